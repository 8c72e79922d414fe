#!/usr/bin/env bash
# A published model's size on this machine. SIZE=1b (the default): a folder in OLMo-1B's
# published form (its config.json: width 2048, 16 layers, 16 heads, vocabulary 50,304, tied;
# bfloat16 weights in four shards and their index; random values), held in float32. SIZE=7b:
# OLMo-2-7B's (width 4096, 32 layers, MLP 11,008, vocabulary 100,352, untied; sixteen shards),
# held in bfloat16, which a 24 GiB machine has room for where float32 it has not. Each is
# scored on a token file and perturbed, each command under /usr/bin/time -v for its peak
# resident memory, printed beside the bytes of the weights as held; then fine-tuning is asked
# for and refuses, saying what it would need. At 7B, PyTorch (Debian's python3-torch) then
# scores as many tokens with the same model in bfloat16 (bench/peer_score.py), for the ratio.
#   bench/big_model.sh [WORK]            # WORK defaults to /tmp/overtrain-big
#   SIZE=7b bench/big_model.sh [WORK]    # about 15 GB of disk and 20 GiB of memory
# TOKENS (default 8192 at 1B, 2048 at 7B) sets the tokens scored and CONTEXT (default the
# model's at 1B, 1024 at 7B) the window; OVERTRAIN_JAVA_OPTS the JVM (default -Xmx6g at 1B,
# -Xmx18g at 7B).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/tmp/overtrain-big}"
size="${SIZE:-1b}"
case "$size" in
  1b) name=OLMo-1B-random; heap=-Xmx6g; tokens="${TOKENS:-8192}"; context="${CONTEXT:-0}"; precision=float32
      params=1176764416   # 50,304 x 2,048 + 16 x (4 x 2,048^2 + 3 x 2,048 x 8,192)
      bytes_per=4 ;;
  7b) name=OLMo-2-7B-random; heap=-Xmx18g; tokens="${TOKENS:-2048}"; context="${CONTEXT:-1024}"; precision=bfloat16
      params=7298617344   # 2 x 100,352 x 4,096 + 32 x (4 x 4,096^2 + 3 x 4,096 x 11,008 + 4 x 4,096) + 4,096
      bytes_per=2 ;;
  *) echo "SIZE must be 1b or 7b, got '$size'" >&2; exit 2 ;;
esac
export OVERTRAIN_JAVA_OPTS="${OVERTRAIN_JAVA_OPTS:-$heap}"
folder="$work/$name"
heldout="$work/heldout-$size.npy"
mkdir -p "$work"

"$root/overtrain" help >/dev/null   # builds the jar when the sources are newer
if [[ ! -f "$folder/model.safetensors.index.json" ]]; then
  # the folder's writer is a test class: the same one the tests use at a small shape
  mvn -q -B -o -f "$root/pom.xml" test-compile
  rm -rf "$folder"
  java -Xmx12g -cp "$root/target/overtrain.jar:$root/target/test-classes" \
    overtrain.checkpoint.RandomHfFolder "$folder" "$heldout" 65536 "$size" 2>&1 | grep -v "incubator modules"
fi
held=$((params * bytes_per))

measure() {   # NAME ARGS...: runs overtrain ARGS under time -v; prints its output and peak RSS
  local name="$1"; shift
  echo "== $name: overtrain $*"
  /usr/bin/time -v "$root/overtrain" "$@" 2>"$work/$name-$size.err" | tee "$work/$name-$size.out" || true
  tr '\r' '\n' <"$work/$name-$size.err" | grep -E "loaded|scored|needs|Error|error:" | grep -v "^\s*$" || true
  local rss_kib
  rss_kib=$(grep "Maximum resident set size" "$work/$name-$size.err" | awk '{print $NF}')
  awk -v k="$rss_kib" -v b="$held" -v n="$name" -v p="$precision" 'BEGIN {
    printf "%s: peak RSS %.2f GiB = %.3f x the %s weights (%.2f GiB)\n",
      n, k * 1024 / 2^30, k * 1024 / b, p, b / 2^30 }'
  grep -E "Elapsed \(wall" "$work/$name-$size.err" | sed 's/^\s*/  /'
}

measure eval eval --model "$folder" --tokens "$heldout" --precision "$precision" --context "$context" \
  --batch 1 --max-tokens "$tokens"
measure perturb perturb --model "$folder" --heldout-tokens "$heldout" --precision "$precision" \
  --context "$context" --gamma 1 --seeds 1 --batch 1 --max-tokens "$((tokens / 4 > context ? tokens / 4 : context))"
mkdir -p "$work/tasks/none"
measure finetune finetune --model "$folder" --task none --tasks-dir "$work/tasks" --lr 2e-5 \
  --batch 1 --out "$work/finetune"

if [[ "$size" == 7b ]]; then
  echo "== PyTorch: bench/peer_score.py, the same shape in bfloat16, $tokens tokens"
  windows=$((tokens / context))
  # its OpenMP threads spin between operators, its faster way: its bfloat16 products run in
  # oneDNN on that one pool (bench/HISTORY.md, "2026-12-05, morning")
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=ACTIVE /usr/bin/time -v \
    /usr/bin/python3 "$root/bench/peer_score.py" --threads "$(nproc)" --context "$context" \
    --windows "$windows" 2>"$work/peer-$size.err" | tee "$work/peer-$size.out"
  grep -E "peer_score|Maximum resident" "$work/peer-$size.err" | sed 's/^\s*/  /'
  ours=$(tr '\r' '\n' <"$work/eval-$size.err" | grep -oE "[0-9.]+ tokens/s" | tail -1 | awk '{print $1}')
  peer=$(grep -oE '"tokens_per_s": [0-9.]+' "$work/peer-$size.out" | awk '{print $2}')
  awk -v o="$ours" -v p="$peer" 'BEGIN { printf "scoring tokens/s: ours %.2f, pytorch %.2f, ours/pytorch %.2f\n", o, p, o / p }'
fi
