#!/usr/bin/env python3
"""By-hand cross-checks against Hugging Face transformers (not run by CI: needs torch and
transformers, which Debian does not package at the versions that have OLMo).

    hf_crosscheck.py loss CKPT TOKENS.npy CONTEXT MAX_TOKENS
        Mean next-token loss of CKPT under transformers (the class its config.json names:
        OlmoForCausalLM, Olmo2ForCausalLM or LlamaForCausalLM) in float32, over the
        windows `overtrain eval --model CKPT --tokens TOKENS.npy --max-tokens MAX_TOKENS`
        scores (consecutive windows of CONTEXT predictions). Prints {"loss", "tokens"}.
    hf_crosscheck.py save-bf16 CKPT OUT SHARD_SIZE
        Loads CKPT and saves it as transformers publishes models: bfloat16, sharded
        (model.safetensors.index.json), e.g. SHARD_SIZE 1MB for a small model.
"""
import json
import sys

import numpy as np
import torch
from transformers import AutoModelForCausalLM


def loss(ckpt, tokens_file, context, max_tokens):
    model = AutoModelForCausalLM.from_pretrained(ckpt, torch_dtype=torch.float32).eval()
    tokens = np.load(tokens_file).astype(np.int64)
    windows = min((len(tokens) - 1) // context, max_tokens // context)
    total = 0.0
    with torch.no_grad():
        for w in range(windows):
            x = torch.from_numpy(tokens[w * context: w * context + context + 1])
            logits = model(x[None, :-1]).logits.double()
            total += torch.nn.functional.cross_entropy(logits[0], x[1:]).item()
    print(json.dumps({"loss": total / windows, "tokens": windows * context}))


def save_bf16(ckpt, out, shard_size):
    model = AutoModelForCausalLM.from_pretrained(ckpt, torch_dtype=torch.float32)
    model.to(torch.bfloat16).save_pretrained(out, max_shard_size=shard_size)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "loss":
        loss(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif len(sys.argv) == 5 and sys.argv[1] == "save-bf16":
        save_bf16(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
