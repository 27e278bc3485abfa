#!/usr/bin/env bash
# Proves a refactoring changed no output: runs two sarcosim binaries on the same inputs and
# compares everything they write.
#
#   scripts/same-outputs.sh OLD_BIN NEW_BIN [POPULATION]
#
# For every shipped scenario (scenarios/*.toml): `check`; `run` (POPULATION persons, default
# 400, 2 draws, 2 threads), then every file of the results directory byte for byte, except
# manifest.json, compared without its per-invocation fields (times, host, threads); `report`
# in text and every `--format`. Then `validate --format json --population 1000` (its exit
# status may be 1 when a target fails; the document is compared). Prints each difference;
# exit 0 when everything is identical, 1 otherwise.
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD_BIN NEW_BIN [POPULATION]" >&2; exit 2; }
OLD=$(realpath "$1") NEW=$(realpath "$2") POP="${3:-400}"
cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
differences=0 compared=0

differ() { echo "DIFFERENT: $*"; differences=$((differences + 1)); }

# The manifest without what differs between two invocations of the same run.
stable_manifest() {
  python3 - "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for s in m.get("shards", []):
    for k in ("started", "finished", "wall_seconds", "host", "threads"):
        s.pop(k, None)
print(json.dumps(m, indent=1, sort_keys=True))
PY
}

# Runs one command with each binary (output to WORK/{old,new}/NAME) and compares stdout.
both() {
  local name=$1; shift
  for side in old new; do
    local bin=$OLD; [ $side = new ] && bin=$NEW
    mkdir -p "$WORK/$side"
    (cd "$WORK/$side" && "$bin" "$@" > "$WORK/$side/$name.out" 2> "$WORK/$side/$name.err")
    echo $? > "$WORK/$side/$name.status"
  done
  compared=$((compared + 1))
  cmp -s "$WORK/old/$name.out" "$WORK/new/$name.out" || differ "stdout of $name ($*)"
  cmp -s "$WORK/old/$name.status" "$WORK/new/$name.status" || differ "exit status of $name"
}

for scenario in scenarios/*.toml; do
  s=$(basename "$scenario" .toml)
  path=$(realpath "$scenario")
  both "check-$s" check "$path"
  both "run-$s" run "$path" --out "res-$s" --population "$POP" --draws 2 --threads 2 --quiet
  (cd "$WORK/old/res-$s" && find . -type f ! -name manifest.json | sort) > "$WORK/files-old"
  (cd "$WORK/new/res-$s" && find . -type f ! -name manifest.json | sort) > "$WORK/files-new"
  cmp -s "$WORK/files-old" "$WORK/files-new" || differ "$s: the results directories hold different files"
  while read -r f; do
    compared=$((compared + 1))
    cmp -s "$WORK/old/res-$s/$f" "$WORK/new/res-$s/$f" || differ "$s: $f"
  done < "$WORK/files-old"
  compared=$((compared + 1))
  cmp -s <(stable_manifest "$WORK/old/res-$s/manifest.json") \
         <(stable_manifest "$WORK/new/res-$s/manifest.json") || differ "$s: manifest.json"
  both "report-$s" report "res-$s"
  for f in csv json markdown; do both "report-$s-$f" report "res-$s" --format "$f"; done
done
both validate validate --format json --population 1000 --threads 2

if [ "$differences" -eq 0 ]; then
  echo "identical: $compared outputs compared ($(basename "$OLD") vs $(basename "$NEW"), population $POP)"
else
  echo "$differences of $compared outputs differ"
  exit 1
fi
