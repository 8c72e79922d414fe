#!/usr/bin/env bash
# Fuzzes each reader of outside input for a bounded time (the @FuzzTest maxDuration, 20 s
# each): the safetensors and .npy headers, tokenizer.json, task JSONL and task spec YAML, IDX
# files and images.
# `mvn verify` only replays the committed inputs; this looks for new ones. An input that
# breaks a target fails the run; Jazzer saves it under src/test/resources/.../<Test>Inputs/,
# where the plain build then replays it: fix the reader and commit the input with the fix.
# Usage: bench/fuzz.sh [Class#method ...]   (default: every target)
set -uo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(
    SafetensorsFuzzTest#header
    NpyFuzzTest#header
    TokenizerJsonFuzzTest#load
    TasksFuzzTest#jsonl
    TasksFuzzTest#spec
    ImagesFuzzTest#idx
    ImagesFuzzTest#image
  )
fi

mvn -B -q test-compile || exit 1
failed=()
log=$(mktemp)
for t in "${targets[@]}"; do
  echo "== fuzzing $t"
  # Jazzer fuzzes one target per JVM; new corpus entries go to .cifuzz-corpus/ (ignored).
  JAZZER_FUZZ=1 mvn -B -q surefire:test -Dtest="$t" >"$log" 2>&1
  status=$?
  grep -E 'Done [0-9]+ runs|Test unit written|FuzzTestFinding' "$log" | sort -u
  if ((status != 0)); then
    failed+=("$t")
    grep -E '^\[ERROR\]' "$log" | head -20
  fi
done
rm -f "$log"
if ((${#failed[@]})); then
  echo "fuzzing found inputs that break: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing found nothing in ${#targets[@]} targets"
