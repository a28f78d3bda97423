#!/usr/bin/env bash
# Stamps VERSION, commits and tags it, and pushes the branch and the tag to a (mirror) remote.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/git_sync.sh [--dry-run] [--remote NAME] [VERSION]

For sites that mirror this repository into an internal git server: writes VERSION into the
VERSION file, commits it, tags the commit VERSION (annotated tag), and pushes the current
branch and the tag together (git push --atomic: both arrive or neither does).

VERSION        default: vYYYYMMDD (today, UTC); vYYYYMMDD.1, .2, ... when a tag of that name
               already marks another commit (run `git fetch --tags` first to see the
               remote's). If HEAD is already tagged with the VERSION file's value, that
               release is kept: nothing is committed or tagged again and only the push is
               repeated (safe to re-run after a failed push, on any day).

Options
  --remote NAME  the remote to push to (default: origin)
  -n, --dry-run  print the commands without running them; changes nothing
  -h, --help     show this help

Refuses to run when files other than VERSION have uncommitted changes (untracked files
included), and lists them: the tag would otherwise name a state the remote never receives.
EOF
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/release-version.sh
. scripts/release-version.sh

dry_run=false
remote=origin
version=''
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    -n | --dry-run) dry_run=true ;;
    --remote)
      [ $# -ge 2 ] || die '--remote needs a NAME' 'scripts/git_sync.sh --remote origin' 2
      remote="$2"
      shift
      ;;
    --remote=*) remote="${1#--remote=}" ;;
    -*) die "unknown option $1" 'scripts/git_sync.sh --help' 2 ;;
    *)
      [ -z "$version" ] || die "more than one VERSION given ($version, $1)" 'scripts/git_sync.sh --help' 2
      version="$1"
      ;;
  esac
  shift
done

# Only this checkout: a v-auto folder that is not itself a repository must not act on a parent one.
top="$(git rev-parse --show-toplevel 2>/dev/null)" || die "$root is not a git checkout"
[ "$(cd "$top" && pwd)" = "$root" ] || die "$root is not the top of a git checkout (that is $top)"

git remote get-url "$remote" >/dev/null 2>&1 ||
  die "no git remote named '$remote'" "known remotes: $(git remote | tr '\n' ' ')— add one with: git remote add $remote URL" 2
branch="$(git symbolic-ref -q --short HEAD)" ||
  die 'HEAD is detached: there is no branch to push' 'git switch BRANCH first' 2

dirty="$(git status --porcelain --untracked-files=all | awk 'substr($0, 4) != "VERSION"')"
if [ -n "$dirty" ]; then
  echo 'error: uncommitted changes other than VERSION; the tag would name a state that is not pushed:' >&2
  printf '%s\n' "$dirty" | sed 's/^/  /' >&2
  echo 'hint: commit them, or set them aside with: git stash --include-untracked' >&2
  exit 2
fi

[ -n "$version" ] || version="$(head_release)"
[ -n "$version" ] || version="$(date_version tag_elsewhere)"
check_version "$version" || exit 2
git check-ref-format "refs/tags/$version" || die "'$version' is not a valid tag name" '' 2

current="$(cat VERSION 2>/dev/null || true)"
needs_commit=false
if [ "$current" != "$version" ] || [ -n "$(git status --porcelain -- VERSION)" ]; then
  needs_commit=true
fi
tagged="$(git rev-parse -q --verify "refs/tags/$version^{commit}" || true)"
if [ -n "$tagged" ] && { $needs_commit || [ "$tagged" != "$(git rev-parse HEAD)" ]; }; then
  die "tag $version already exists on commit ${tagged:0:12}" 'choose another VERSION (or omit it for a date-based one)' 2
fi

# Single-quotes an argument when the shell would need it, so shown commands can be pasted.
quote() {
  case "$1" in
    '' | *[!A-Za-z0-9_./:=@%+-]*) printf "'%s'" "${1//\'/\'\\\'\'}" ;;
    *) printf '%s' "$1" ;;
  esac
}

# Shows each command as it would be typed, then runs it unless this is a dry run.
run() {
  local arg
  printf '+'
  for arg in "$@"; do printf ' %s' "$(quote "$arg")"; done
  printf '\n'
  $dry_run || "$@"
}

$dry_run && echo "dry run: nothing is changed; these commands would run:"
if $needs_commit; then
  printf '+ echo %s > VERSION\n' "$(quote "$version")"
  $dry_run || printf '%s\n' "$version" >VERSION
  run git add VERSION
  run git commit --quiet -m "Release $version"
fi
if [ -z "$tagged" ]; then
  run git tag -a "$version" -m "v-auto $version"
fi
run git push --atomic "$remote" "refs/heads/$branch:refs/heads/$branch" "refs/tags/$version:refs/tags/$version"
$dry_run || echo "pushed branch $branch and tag $version to $remote"
