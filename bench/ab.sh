#!/usr/bin/env bash
# Builds of overtrain timed against each other in one JVM, turn by turn (bench/ModelAB.java),
# in several processes, the builds loaded and run in reverse order in every other one. Every argument
# before "--" is a jar, a git revision (built in a temporary worktree) or "." (this working
# tree, built as it is now); -p N sets the processes (default 4). Arguments after "--" go to
# ModelAB (--shape, --turns, --warmup); OVERTRAIN_JAVA_OPTS goes to the JVM after the
# launcher's own flags. Prints each process's report, then per build after the first the
# median over processes of its per-turn time over the first build's.
#   bench/ab.sh HEAD .                         # this tree's changes against the last commit
#   bench/ab.sh . . -- --turns 20              # the harness against itself: reads about 1.00
#   OVERTRAIN_JAVA_OPTS=-Dovertrain.threads=1 bench/ab.sh 5f64653 HEAD -- --shape 2,2,128,4096,256,16
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
processes=4
builds=()
while [[ $# -gt 0 && $1 != "--" ]]; do
  case "$1" in
    -p) processes="$2"; shift 2 ;;
    *) builds+=("$1"); shift ;;
  esac
done
[[ ${1:-} == "--" ]] && shift
if [[ ${#builds[@]} -eq 0 ]]; then
  echo "usage: bench/ab.sh [-p PROCESSES] BUILD [BUILD...] [-- ModelAB options]" \
    "(a BUILD is a jar, a git revision or .)" >&2
  exit 2
fi

work="$(mktemp -d)"
cleanup() {
  for dir in "$work"/src-*; do
    [[ -d $dir ]] && git -C "$root" worktree remove --force "$dir"
  done
  rm -rf "$work"
}
trap cleanup EXIT

# mvn package in a source tree, its log shown only if it fails
package() {
  if ! mvn -q -B -o -f "$1/pom.xml" package -DskipTests >"$work/mvn.log" 2>&1; then
    cat "$work/mvn.log" >&2
    exit 1
  fi
}

jars=()
for i in "${!builds[@]}"; do
  build="${builds[$i]}"
  label="$build"
  [[ $build == "." ]] && label="worktree"
  label="$i-$(basename "$label" .jar | tr -c 'A-Za-z0-9._~^\n-' _)"
  jar="$work/$label.jar"
  if [[ $build == *.jar ]]; then
    cp "$build" "$jar"
  elif [[ $build == "." ]]; then
    if [[ -z ${tree_built:-} ]]; then
      echo "ab: building this working tree" >&2
      package "$root"
      tree_built=1
    fi
    cp "$root/target/overtrain.jar" "$jar"
  else
    echo "ab: building $build" >&2
    git -C "$root" worktree add -q --detach "$work/src-$i" "$build"
    package "$work/src-$i"
    cp "$work/src-$i/target/overtrain.jar" "$jar"
  fi
  jars+=("$jar")
done

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
reports="$work/reports"
for ((p = 0; p < processes; p++)); do
  order=()
  ((p % 2)) && order=(--reverse)
  # the launcher's collector and heap flags (see ./overtrain), so the builds run as they do there
  "$java" --add-modules jdk.incubator.vector -XX:+UseSerialGC -Xmn8m -XX:PretenureSizeThreshold=256k \
    ${OVERTRAIN_JAVA_OPTS:-} "$root/bench/ModelAB.java" "$@" "${order[@]}" "${jars[@]}" \
    2> >(grep -v -e "^WARNING: Using incubator modules" -e "using incubating module" -e "^1 warning$" >&2) \
    | tee -a "$reports"
done
echo
# lines "B over A, per turn: train R score R", one per process and build
awk '/ over .*per turn:/ {
  sub(/,$/, "", $3)
  key = $1 " over " $3; train[key] = train[key] " " $7; score[key] = score[key] " " $9; keys[key] = 1
}
function median(list,   a, n, i, j, t) {
  n = split(list, a, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
  for (key in keys) printf "%s, median of the processes: train %.3f (%s ), score %.3f (%s )\n",
    key, median(train[key]), train[key], median(score[key]), score[key]
}' "$reports"
