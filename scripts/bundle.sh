#!/usr/bin/env bash
# Builds the offline bundle dist/v-auto-VERSION.tar.gz (+ .sha256): runs anywhere Node.js >= 20 is.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/bundle.sh [--sea] [--no-stamp] [VERSION]

Builds dist/v-auto-VERSION.tar.gz and dist/v-auto-VERSION.tar.gz.sha256. The archive unpacks
into one folder, v-auto-VERSION/, that runs on a host with Node.js >= 20 and nothing else: no
npm, no node_modules, no network. Fill its projects/ folder and run bin/v-auto from it.

VERSION    default: the VERSION file's value if HEAD is tagged with it (a release made by
           git_sync.sh), so rebuilding a release gives the same name and the same bytes.
           Otherwise vYYYYMMDD (today, UTC), or vYYYYMMDD.1, .2, ... if that name is taken:
           by a git tag on another commit, or by an archive already in the output folder.

Options
  --sea       also write dist/v-auto-VERSION-linux-x64 (+ .sha256): one executable that
              needs no Node.js (Node's single executable application). Needs postject
              (node_modules/.bin/postject, or the path in $POSTJECT) and Node >= 20.19.
  --no-stamp  leave the repo's VERSION file alone (the bundle carries VERSION either way)
  -h, --help  show this help

The repo's VERSION file is tracked, and by default bundle.sh rewrites it on purpose so that
`v-auto --version` in the repo names the bundle just built: commit it (git_sync.sh commits
and tags it), or pass --no-stamp. Nothing else tracked is changed; build/ and dist/ are ignored.

Environment
  V_AUTO_DIST        output folder (default: dist/ in the repo)
  SOURCE_DATE_EPOCH  the time stamped on every file in the archive (default: the last commit's
                     time). Same source, VERSION and time give a byte-identical archive.
EOF
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A relative V_AUTO_DIST means relative to where the user stands, not to the repo.
dist="${V_AUTO_DIST:-$root/dist}"
case "$dist" in /*) ;; *) dist="$PWD/$dist" ;; esac
cd "$root"
# shellcheck source=scripts/release-version.sh
. scripts/release-version.sh

sea=false
stamp=true
version=''
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --sea) sea=true ;;
    --no-stamp) stamp=false ;;
    -*) die "unknown option $1" 'scripts/bundle.sh --help' 2 ;;
    *)
      [ -z "$version" ] || die "more than one VERSION given ($version, $1)" 'scripts/bundle.sh --help' 2
      version="$1"
      ;;
  esac
  shift
done

# GNU tar's --sort and --pax-option make the archive reproducible; BSD tar has neither.
tar --version 2>/dev/null | grep -q 'GNU tar' || die 'GNU tar is needed' 'install it (e.g. apt-get install tar), or run on Linux'
for tool in gzip sha256sum node npm; do
  command -v "$tool" >/dev/null || die "$tool not found on PATH"
done
[ -d node_modules ] || die 'node_modules is missing: the build needs the dependencies' 'run "npm ci" first'

# Check what --sea needs before building anything, so a missing piece fails fast.
if $sea; then
  # Node 20 runs a CommonJS main script only; sea-main.cjs loads the ES module with require(),
  # which Node enables by default from 20.19. SEA assets (for templates/) need 20.12.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
    die "--sea needs Node >= 20.19 to build, this is $(node --version)" 'use a newer Node.js for the build'
  postject="${POSTJECT:-$root/node_modules/.bin/postject}"
  [ -x "$postject" ] || die "--sea needs postject, not found at $postject" \
    'npm install --save-dev postject (or set POSTJECT to its bin/postject)'
  node_bin="$(node -p process.execPath)"
  # The sentinel that postject flips; a Node built without SEA support lacks it.
  fuse=NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2
  grep -q "$fuse" "$node_bin" ||
    die "$node_bin has no single-executable support (a distribution build?)" 'use the Node.js binary from nodejs.org'
fi

# Only a checkout of this very folder: a copy unpacked inside some other repo is not "in git".
in_git=false
[ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$root" ] && in_git=true

mkdir -p "$dist"
dist="$(cd "$dist" && pwd)"

# A name is taken by a tag on another commit or, untagged, by an archive already built.
archive_taken() {
  if $in_git && git rev-parse -q --verify "refs/tags/$1" >/dev/null; then
    tag_elsewhere "$1"
  else
    [ -e "$dist/v-auto-$1.tar.gz" ]
  fi
}
if [ -z "$version" ] && $in_git; then version="$(head_release)"; fi
[ -n "$version" ] || version="$(date_version archive_taken)"
check_version "$version" || exit 2

if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  epoch="$SOURCE_DATE_EPOCH"
elif $in_git; then
  epoch="$(git log -1 --format=%ct)"
else
  die 'no time to stamp the archive with' 'set SOURCE_DATE_EPOCH (seconds since 1970), or build from a git checkout'
fi
case "$epoch" in '' | *[!0-9]*) die "SOURCE_DATE_EPOCH must be whole seconds, got '$epoch'" ;; esac

if $in_git; then
  dirty="$(git status --porcelain | grep -v ' VERSION$' || true)"
  if [ -n "$dirty" ]; then
    # Allowed, for trying a bundle out, but such an archive matches no commit: say so.
    echo 'warning: building from uncommitted changes; this archive matches no commit:' >&2
    printf '%s\n' "$dirty" | sed 's/^/  /' >&2
  fi
fi

echo "building v-auto $version" >&2
npm run --silent build >&2
[ -s build/v-auto.cjs ] || die 'npm run build wrote no build/v-auto.cjs'

name="v-auto-$version"
out="$dist/$name.tar.gz"
exe=''
work="$(mktemp -d)"
# Half-written outputs are *.tmp until complete; remove them with the staging folder.
trap 'rm -rf "$work" "$out.tmp" ${exe:+"$exe.tmp"}' EXIT
tree="$work/$name"
mkdir -p "$tree/bin" "$tree/build" "$tree/projects"

# Files under DIRS that git would commit: tracked or new, not ignored (no .v-auto.lock, no
# editor leftovers), and still present. Outside git, everything under DIRS.
list_files() {
  if $in_git; then
    git ls-files -z --cached --others --exclude-standard -- "$@"
  else
    find "$@" -type f -print0
  fi
}

copy_tree() {
  local file
  while IFS= read -r -d '' file; do
    [ -f "$file" ] || continue
    mkdir -p "$tree/$(dirname "$file")"
    cp "$file" "$tree/$file"
  done < <(list_files "$@")
}

# bin/package.json makes bin/v-auto (no extension) CommonJS: no ES module loader to start.
cp bin/v-auto bin/load-bundle.cjs bin/package.json "$tree/bin/"
cp build/v-auto.cjs "$tree/build/"
# esbuild writes LEGAL.txt only when the bundled code keeps license comments.
[ ! -f build/v-auto.cjs.LEGAL.txt ] || cp build/v-auto.cjs.LEGAL.txt "$tree/build/"
# docs/ is the reference the README links to, with the Korean guide in docs/ko/.
mkdir -p "$tree/templates" "$tree/examples" "$tree/schemas" "$tree/docs"
copy_tree templates examples schemas docs
# The editor schemas as this build's rules generate them (scripts/build.mjs).
cp build/schemas/*.schema.json "$tree/schemas/"
printf '%s\n' "$version" >"$tree/VERSION"
# The bundle's own package.json: no package.json in the folders above the unpacked bundle
# decides how Node reads its files (bin/ has its own, above).
printf '{\n  "name": "v-auto",\n  "private": true,\n  "type": "module"\n}\n' >"$tree/package.json"
if [ -f README.md ]; then cp README.md "$tree/"; else echo 'warning: no README.md to bundle' >&2; fi
[ ! -f LICENSE ] || cp LICENSE "$tree/"
node scripts/third-party-licenses.mjs "$root" >"$tree/THIRD_PARTY_LICENSES"

# Modes from a fixed rule, not from the umask and checkout of the building machine.
find "$tree" -type d -exec chmod 0755 {} +
find "$tree" -type f -exec chmod 0644 {} +
chmod 0755 "$tree/bin/v-auto"

LC_ALL=C tar --create --format=posix --sort=name --mtime="@$epoch" \
  --owner=0 --group=0 --numeric-owner \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  --directory="$work" "$name" | gzip -9 -n >"$out.tmp"
mv -f "$out.tmp" "$out"
(cd "$dist" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")

if $sea; then
  platform="$(node -p 'process.platform + "-" + process.arch')"
  id="$(cut -c1-12 "$out.sha256")"
  node scripts/sea-config.mjs "$tree" "$version" "$id" "$work"
  node --experimental-sea-config "$work/sea-config.json" >&2
  exe="$dist/$name-$platform"
  cp "$node_bin" "$exe.tmp"
  chmod 0755 "$exe.tmp"
  # postject (LIEF) warns about ELF note names on every run, harmlessly: show its output on failure only.
  "$postject" "$exe.tmp" NODE_SEA_BLOB "$work/sea-prep.blob" --sentinel-fuse "$fuse" >"$work/postject.log" 2>&1 ||
    { cat "$work/postject.log" >&2; die 'postject could not inject the program into the node binary'; }
  mv -f "$exe.tmp" "$exe"
  (cd "$dist" && sha256sum "$name-$platform" >"$name-$platform.sha256")
  echo "$exe"
fi

# Last, so that a failed build leaves the repo's VERSION as it was.
if $stamp; then
  printf '%s\n' "$version" >VERSION
fi
echo "$out"
