#!/usr/bin/env bash
# Whether a change kept the arithmetic: runs a tiny pre-training, perturbation and two-rate
# fine-tuning with the overtrain of each build named, on one thread, and prints the hashes of
# the checkpoints and fine-tuned weights and the losses, side by side. Identical lines mean the
# same bits. The fixture (Python's standard library as a corpus, a 512-id tokenizer, a cue-word
# classification task) is made once under the work folder.
# Pre-training draws its windows with data.order random, the one order every build has had.
# Usage: bench/same_bits.sh WORK BUILD [BUILD...]   (a build: a git revision, or . for this tree)
# WIDTH=256 (with HEADS=4, TOKENS=20000 by default then) trains a model wide enough for the
# products that pack A (Gemm.packsA); the default width 32 reads A in place everywhere.
# BATCH (pre-training sequences a step, default 8): 32 at width 256, with TOKENS=60000, makes
# the MLP's weight gradients deep enough (2048 tokens) that B is packed a depth block at a time.
# VOCAB (default 512): 1024 and more makes the output head's weight gradient tall enough that
# its A is packed at any width (Gemm.PACKED_A_ROWS).
#   bench/same_bits.sh /tmp/sb edd83e5 .    # before and after
#   WIDTH=256 BATCH=32 TOKENS=60000 bench/same_bits.sh /tmp/sb edd83e5 .
#   VOCAB=2048 bench/same_bits.sh /tmp/sb HEAD .
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work=$1; shift
width=${WIDTH:-32}
vocab=${VOCAB:-512}
if ((width > 32)); then heads=${HEADS:-4} tokens=${TOKENS:-20000}; else heads=${HEADS:-2} tokens=${TOKENS:-60000}; fi
mkdir -p "$work"
fx="$work/fixture"
if [[ ! -f "$fx/tasks/cue/test.jsonl" ]]; then
  mkdir -p "$fx/corpus" "$fx/tasks/cue"
  python3 - "$fx" <<'PY'
import glob, json, random, sys
fx = sys.argv[1]
files = sorted(glob.glob('/usr/lib/python3*/*.py'))[:120]
random.seed(1)
with open(fx + '/corpus/train.jsonl', 'w') as tr, open(fx + '/corpus/heldout.jsonl', 'w') as ho:
    for i, f in enumerate(files):
        t = open(f, encoding='utf-8', errors='replace').read()[:20000]
        (ho if i % 10 == 0 else tr).write(json.dumps({"id": f, "source": "py", "text": t}) + "\n")
open(fx + '/tasks/cue/spec.yaml', 'w').write('name: cue\ntype: classification\ntemplate: "Text: {text}\\nLabel:"\n'
    'label_field: label\nlabels:\n  - {name: a, verbalizer: " yes"}\n  - {name: b, verbalizer: " no"}\n')
words = ["def", "class", "import", "return", "self", "value", "list", "dict", "print", "error"]
for split, n in [("train", 64), ("validation", 24), ("test", 24)]:
    with open(fx + '/tasks/cue/' + split + '.jsonl', 'w') as o:
        for i in range(n):
            a = random.random() < 0.5
            w = " ".join(random.choice(words) for _ in range(6))
            o.write(json.dumps({"text": ("sun " if a else "rain ") + w, "label": "a" if a else "b"}) + "\n")
PY
fi
export OVERTRAIN_JAVA_OPTS=-Dovertrain.threads=1
for build in "$@"; do
  if [[ $build == . ]]; then dir=$here; else
    dir="$work/build-$build"
    [[ -d $dir ]] || git -C "$here" worktree add -q --detach "$dir" "$build"
  fi
  out="$work/out-${build//\//_}"
  rm -rf "$out"
  (
    cd "$dir"
    tok=$fx/tok.json tokdir=$fx/tokens
    if ((vocab != 512)); then tok=$fx/tok-$vocab.json tokdir=$fx/tokens-$vocab; fi
    [[ -f $tok ]] || ./overtrain tokenizer train --corpus "$fx/corpus/train.jsonl" --vocab-size "$vocab" --out "$tok" >/dev/null
    [[ -f $tokdir/train.npy ]] || ./overtrain tokenize --corpus "$fx/corpus" --tokenizer "$tok" --out "$tokdir" >/dev/null
    help=$(./overtrain pretrain --help)
    warm=--warmup-steps; grep -q -- --warmup-steps <<<"$help" || warm=--warmup
    order=(); if grep -q -- --order <<<"$help"; then order=(--order random); fi
    ./overtrain pretrain --train-tokens "$tokdir/train.npy" --heldout-tokens "$tokdir/heldout.npy" \
      --vocab "$vocab" --layers 2 --heads "$heads" --d-model "$width" --context 64 --batch "${BATCH:-8}" \
      --lr 1e-2 $warm 10 \
      --tokens "$tokens" --seed 3 --eval-tokens 4096 "${order[@]}" --out "$out/pre" >/dev/null 2>&1
    ck=$(ls -d "$out"/pre/checkpoints/step-* | tail -1)
    ./overtrain perturb --model "$ck" --heldout-tokens "$tokdir/heldout.npy" --gamma 0.5,2 --seeds 2 \
      --max-tokens 4096 --json 2>/dev/null > "$out/perturb.json"
    ./overtrain finetune --model "$ck" --tokenizer "$tok" --task "$fx/tasks/cue" --lr 1e-3,3e-3 \
      --epochs 1 --batch 8 --heldout-tokens "$tokdir/heldout.npy" --heldout-max-tokens 4096 \
      --out "$out/ft" >/dev/null 2>&1
    echo "== $build"
    sha256sum "$ck/model.safetensors" "$ck/optimizer.safetensors" "$out/ft/model/model.safetensors" \
      | awk '{n = split($2, p, "/"); print $1, p[n-1] "/" p[n]}'
    python3 -c "
import json
p = json.load(open('$out/perturb.json')); print('perturb', p['base_loss'], [r['loss'] for r in p['runs']])
f = json.load(open('$out/ft/result.json')); print('finetune', [(r['lr'], r['final_train_loss'], r['heldout']['loss']) for r in f['runs']])"
  )
done
