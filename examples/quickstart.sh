#!/usr/bin/env bash
# The whole pipeline once, small: real data fetched offline -> BPE tokenizer -> token files ->
# a pre-trained OLMo-style model -> fine-tuned on IMDB sentiment, with what it gained (accuracy)
# and what it forgot (held-out pre-training loss); and the same model's held-out loss under
# Gaussian perturbations of growing size. About 10 minutes on 2 cores.
#
# Every step writes under data/ and runs/ and is safe to rerun: fetched packages are cached,
# a finished pre-training run is found complete, and an interrupted one resumes.
set -euo pipefail
cd "$(dirname "$0")/.."
ot=./overtrain

tokens=${TOKENS:-2000000}          # pre-training budget in tokens
run=runs/quickstart-$tokens

[[ -f data/corpus/manifest.json ]] || $ot data fetch
[[ -f data/tokenizer.json ]] || \
  $ot tokenizer train --corpus data/corpus/train.jsonl --vocab-size 4096 --out data/tokenizer.json
[[ -f data/tokens/tokens.json ]] || \
  $ot tokenize --corpus data/corpus --tokenizer data/tokenizer.json --out data/tokens
[[ -f data/tasks/imdb/spec.yaml ]] || $ot tasks build imdb

$ot pretrain --train-tokens data/tokens/train.npy --heldout-tokens data/tokens/heldout.npy \
  --vocab 4096 --layers 2 --heads 4 --d-model 128 --context 256 --batch 16 --lr 1e-2 \
  --warmup-steps 50 --tokens "$tokens" --seed 1 --out "$run/pretrain"

checkpoint=$(ls -d "$run"/pretrain/checkpoints/step-* | sort | tail -n 1)
[[ -f "$run/imdb/result.json" ]] || \
$ot finetune --model "$checkpoint" --tokenizer data/tokenizer.json --task imdb \
  --lr 1e-4,3e-4 --epochs 1 --batch 8 --max-train-examples 2000 --max-eval-examples 400 \
  --heldout-tokens data/tokens/heldout.npy --out "$run/imdb"

$ot perturb --model "$checkpoint" --heldout-tokens data/tokens/heldout.npy \
  --gamma 0.1,0.3,1,3 --seeds 3 --max-tokens 32768 --out "$run/perturb"
