#!/usr/bin/env bash
# Time linear in the token budget, memory flat: `overtrain bench train` on the tiny study shape
# (2 layers, d 32, vocab 4096, context 128, batch 32, one thread) for budgets of 1x, 4x and 16x
# a base number of steps; prints per budget the wall time of the whole process, the timed
# training seconds, tokens/s and the peak resident memory.
#   bench/budget.sh [base-steps]      # default 20 steps (81,920 tokens); about 1.5 min in all
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${1:-20}"
printf '%-7s %7s %10s %10s %11s %10s %9s\n' budget steps tokens "wall s" "train s" "tok/s" "peak MiB"
for x in 1 4 16; do
  steps=$((base * x))
  start=$(date +%s.%N)
  json=$(OVERTRAIN_JAVA_OPTS="-Dovertrain.threads=1" "$root/overtrain" bench train --json \
    --layers 2 --d-model 32 --heads 2 --vocab 4096 --context 128 --batch 32 \
    --steps "$steps" --no-score 2>/dev/null)
  end=$(date +%s.%N)
  /usr/bin/python3 - "$x" "$steps" "$start" "$end" "$json" <<'PY'
import json, sys
x, steps, start, end, j = sys.argv[1:]
j = json.loads(j)
tokens = int(steps) * j["batch"] * j["context"]
print(f"{x + 'x':<7} {steps:>7} {tokens:>10,} {float(end) - float(start):>10.1f} "
      f"{j['step_ms'] * int(steps) / 1000:>11.1f} {j['tokens_per_s']:>10,.0f} {j['peak_rss_mib']:>9.0f}")
PY
done
