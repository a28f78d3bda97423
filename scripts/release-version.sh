# Shared by bundle.sh and git_sync.sh (sourced, not run) so both choose and check a VERSION alike.
# shellcheck shell=bash

# die MESSAGE [HINT [CODE]]: prints the error (and hint) and exits, 1 unless told.
die() {
  echo "error: $1" >&2
  [ $# -lt 2 ] || echo "hint: $2" >&2
  exit "${3:-1}"
}

# check_version VERSION: fails unless VERSION is safe as a file name and as a git tag name.
# The version ends up in an archive name, a folder name and a tag, so one rule covers all three.
check_version() {
  case "$1" in
    '' | -* | *..* | *. | *.lock | *[!A-Za-z0-9._+-]*)
      echo "error: invalid VERSION '$1'" >&2
      echo "hint: use letters, digits and . _ + - only, e.g. v1.2.0 or v20250101.1" >&2
      return 2
      ;;
  esac
}

# date_version IS_TAKEN: prints vYYYYMMDD (UTC, so every site names a day alike), or
# vYYYYMMDD.N with the smallest N not yet taken; the command `IS_TAKEN VERSION` exits 0 when a
# name is taken.
date_version() {
  local base candidate n
  base="v$(date -u +%Y%m%d)"
  candidate="$base"
  n=0
  while "$1" "$candidate"; do
    n=$((n + 1))
    candidate="$base.$n"
  done
  printf '%s\n' "$candidate"
}

# tag_elsewhere VERSION: exits 0 when tag VERSION exists and names a commit other than HEAD. A tag
# on HEAD is not "taken": re-running on the tagged commit reuses its version, so a re-run is
# idempotent and a rebuild reproduces the same archive.
tag_elsewhere() {
  local tagged
  tagged="$(git rev-parse -q --verify "refs/tags/$1^{commit}" 2>/dev/null)" || return 1
  [ "$tagged" != "$(git rev-parse HEAD)" ]
}

# head_release: prints the VERSION file's value when HEAD carries a tag of that name (a release
# that git_sync.sh made), else nothing. Without a VERSION argument, both scripts reuse it, so
# bundling or re-syncing a released commit on a later day keeps its name.
head_release() {
  local current
  current="$(cat VERSION 2>/dev/null)" || return 0
  [ -n "$current" ] && check_version "$current" 2>/dev/null || return 0
  [ "$(git rev-parse -q --verify "refs/tags/$current^{commit}" 2>/dev/null)" = "$(git rev-parse HEAD)" ] || return 0
  printf '%s\n' "$current"
}
