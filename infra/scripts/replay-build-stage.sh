#!/usr/bin/env bash
# Replays the build stage of migrator-container/Dockerfile (`FROM … AS build` up to the next FROM) in a directory,
# without Docker: each COPY copies from the repository root (the image's build context) and each RUN runs there,
# with `npm` replaced by the npm to test (the base image's: npm 10). CI uses it because `npm ci` inside the image
# is what broke when the lockfile was valid for npm 11 only; no Docker engine runs on the CI machine.
#   bash infra/scripts/replay-build-stage.sh <empty dir> "npx -y npm@10.9"
set -euo pipefail
out="$1"
npm_cmd="${2:-npm}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
dockerfile="$root/migrator-container/Dockerfile"
mkdir -p "$out"

# The build stage's instructions, one per line (no line continuations are used in that stage).
stage="$(awk '/^FROM .* AS build$/ { on = 1; next } /^FROM / { on = 0 } on && /^(COPY|RUN|WORKDIR) /' "$dockerfile")"
[ -n "$stage" ] || { echo "no build stage found in $dockerfile" >&2; exit 1; }

workdir="$out"
while IFS= read -r line; do
  read -r -a words <<<"$line"
  case "${words[0]}" in
    WORKDIR) mkdir -p "$out${words[1]}"; workdir="$out${words[1]}" ;;
    COPY)
      dest="${words[${#words[@]}-1]}"
      for src in "${words[@]:1:${#words[@]}-2}"; do
        target="$workdir/$dest"
        mkdir -p "$(dirname "$target")"
        if [ -d "$root/$src" ]; then
          mkdir -p "$target"
          # Docker copies a directory's contents; the build context (.dockerignore) leaves out tests and node_modules.
          (cd "$root/$src" && tar -c --exclude=node_modules --exclude='*.test.ts' .) | (cd "$target" && tar -x)
        else
          case "$dest" in */) mkdir -p "$target"; cp "$root/$src" "$target" ;; *) cp "$root/$src" "$target" ;; esac
        fi
      done
      ;;
    RUN)
      cmd="${line#RUN }"
      cmd="${cmd//npm /$npm_cmd }"
      echo "+ $cmd"
      (cd "$workdir" && bash -c "$cmd") >"$out/.run.log" 2>&1 || { cat "$out/.run.log"; exit 1; }
      grep -v 'Unknown user config "nodedir"' "$out/.run.log" | tail -n 5
      ;;
  esac
done <<<"$stage"

# What the runtime stage copies out of the build stage must exist.
awk '/^COPY --from=build /{ print $3 }' "$dockerfile" | while read -r built; do
  test -s "$out$built" || { echo "the build stage did not produce $built" >&2; exit 1; }
  echo "built $built ($(wc -c <"$out$built") bytes)"
done
