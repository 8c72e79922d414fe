#!/usr/bin/env bash
# OLMo-1B's size on this machine: a folder in the published form (config.json of OLMo-1B:
# width 2048, 16 layers, 16 heads, vocabulary 50,304, tied; bfloat16 weights in four shards
# and their index; random values) is scored on a token file and perturbed, each command under
# /usr/bin/time -v for its peak resident memory, which is printed beside the float32 weights'
# bytes; then fine-tuning is asked for and refuses, saying what it would need.
#   bench/big_model.sh [WORK]       # WORK defaults to /tmp/overtrain-big; about 3.5 GiB of disk
# TOKENS (default 8192) sets the tokens scored; OVERTRAIN_JAVA_OPTS the JVM (default -Xmx6g).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/tmp/overtrain-big}"
tokens="${TOKENS:-8192}"
export OVERTRAIN_JAVA_OPTS="${OVERTRAIN_JAVA_OPTS:--Xmx6g}"
folder="$work/OLMo-1B-random"
mkdir -p "$work"

"$root/overtrain" help >/dev/null   # builds the jar when the sources are newer
if [[ ! -f "$folder/model.safetensors.index.json" ]]; then
  # the folder's writer is a test class: the same one the tests use at a small shape
  mvn -q -B -f "$root/pom.xml" test-compile
  rm -rf "$folder"
  java -Xmx4g -cp "$root/target/overtrain.jar:$root/target/test-classes" \
    overtrain.checkpoint.RandomHfFolder "$folder" "$work/heldout.npy" 65536 2>&1 | grep -v "incubator modules"
fi
params=1176764416   # OLMo-1B's: 50,304 x 2,048 + 16 x (4 x 2,048^2 + 3 x 2,048 x 8,192)

measure() {   # NAME ARGS...: runs overtrain ARGS under time -v; prints its output and peak RSS
  local name="$1"; shift
  echo "== $name: overtrain $*"
  /usr/bin/time -v "$root/overtrain" "$@" 2>"$work/$name.err" | tee "$work/$name.out" || true
  tr '\r' '\n' <"$work/$name.err" | grep -E "loaded|scored|needs|Error|error:" | grep -v "^\s*$" || true
  local rss_kib
  rss_kib=$(grep "Maximum resident set size" "$work/$name.err" | awk '{print $NF}')
  awk -v k="$rss_kib" -v p="$params" -v n="$name" 'BEGIN {
    printf "%s: peak RSS %.2f GiB = %.3f x the float32 weights (%.2f GiB)\n",
      n, k * 1024 / 2^30, k * 1024 / (4 * p), 4 * p / 2^30 }'
  grep -E "Elapsed \(wall" "$work/$name.err" | sed 's/^\s*/  /'
}

measure eval eval --model "$folder" --tokens "$work/heldout.npy" --batch 1 --max-tokens "$tokens"
measure perturb perturb --model "$folder" --heldout-tokens "$work/heldout.npy" --gamma 1 --seeds 1 \
  --batch 1 --max-tokens 2048
mkdir -p "$work/tasks/none"
measure finetune finetune --model "$folder" --task none --tasks-dir "$work/tasks" --lr 2e-5 \
  --batch 1 --out "$work/finetune"
