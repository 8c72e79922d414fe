#!/usr/bin/python3
"""The PyTorch peer for scoring a large model: an OLMo-2 forward pass in bfloat16, tokens/s.

The model of Hugging Face's Olmo2ForCausalLM, written out: token embedding; per block q/k/v
projections, RMSNorm (with weight) over all of q and all of k, rotary embedding (rotate-half),
causal attention (scaled_dot_product_attention), o_proj, RMSNorm, residual add; gate/up
projections, down(silu(gate) * up), RMSNorm, residual add; a final RMSNorm and an untied head.
No biases. Every weight and activation in bfloat16, as `model.to(torch.bfloat16)` runs; the loss
from the logits in float32. Weights are random (N(0, 0.02^2), gains 1): the speed does not
depend on their values, and the model is built in place, never held in float32.

Scores --windows windows of --context random tokens, --batch at a time, after one untimed
window, and prints one JSON line: tokens_per_s, the parameter count, the loss and what ran the
products (torch's version, oneDNN's, ATen's CPU capability). Run with the system Python
(python3-torch) and OMP_WAIT_POLICY=PASSIVE, for example the shape of OLMo-2-7B:
    OMP_WAIT_POLICY=PASSIVE bench/peer_score.py --threads 2 --context 1024 --windows 2
"""
import argparse
import json
import math
import os
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=32)
    ap.add_argument("--d-model", type=int, default=4096)
    ap.add_argument("--heads", type=int, default=32)
    ap.add_argument("--intermediate", type=int, default=11008)
    ap.add_argument("--vocab", type=int, default=100352)
    ap.add_argument("--context", type=int, default=1024)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--windows", type=int, default=2, help="timed windows")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rope-theta", type=float, default=500000.0)
    ap.add_argument("--eps", type=float, default=1e-6)
    ap.add_argument("--seed", type=int, default=1)
    return ap.parse_args()


def main():
    args = parse_args()
    if os.environ.get("OMP_WAIT_POLICY", "").upper() != "PASSIVE":
        print("peer_score: OMP_WAIT_POLICY=PASSIVE is not set; expect a slower run", file=sys.stderr)
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    bf16 = torch.bfloat16
    d, f, h, v = args.d_model, args.intermediate, args.heads, args.vocab
    hd = d // h

    def matrix(rows, cols):
        return torch.empty(rows, cols, dtype=bf16).normal_(0.0, 0.02)

    def gain():
        return torch.ones(d, dtype=bf16)

    start = time.time()
    embed = matrix(v, d)
    blocks = []
    for _ in range(args.layers):
        blocks.append({
            "q": matrix(d, d), "k": matrix(d, d), "v": matrix(d, d), "o": matrix(d, d),
            "gate": matrix(f, d), "up": matrix(f, d), "down": matrix(d, f),
            "q_norm": gain(), "k_norm": gain(), "post_att": gain(), "post_mlp": gain(),
        })
    final_norm = gain()
    head = matrix(v, d)
    params = v * d * 2 + args.layers * (4 * d * d + 3 * d * f + 4 * d) + d
    print(f"peer_score: built {params:,} bfloat16 parameters in {time.time() - start:.0f} s",
          file=sys.stderr)

    inv = 1.0 / (args.rope_theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    angles = torch.outer(torch.arange(args.context, dtype=torch.float32), inv)
    cos = torch.cat([angles.cos(), angles.cos()], dim=-1).to(bf16)
    sin = torch.cat([angles.sin(), angles.sin()], dim=-1).to(bf16)

    def rms(x, w):
        # Hugging Face's Olmo2RMSNorm: the variance in float32, the result back in bfloat16
        x32 = x.float()
        x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + args.eps)
        return (w * x32.to(bf16))

    def rope(x):
        half = x.shape[-1] // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
        return x * cos + rotated * sin

    def loss(tokens):
        b, t = tokens.shape
        x = F.embedding(tokens, embed)
        for blk in blocks:
            q = rms(F.linear(x, blk["q"]), blk["q_norm"]).view(b, t, h, hd).transpose(1, 2)
            k = rms(F.linear(x, blk["k"]), blk["k_norm"]).view(b, t, h, hd).transpose(1, 2)
            val = F.linear(x, blk["v"]).view(b, t, h, hd).transpose(1, 2)
            y = F.scaled_dot_product_attention(rope(q), rope(k), val, is_causal=True) \
                if hasattr(F, "scaled_dot_product_attention") else attention(rope(q), rope(k), val)
            y = y.transpose(1, 2).reshape(b, t, d)
            x = x + rms(F.linear(y, blk["o"]), blk["post_att"])
            m = F.linear(F.silu(F.linear(x, blk["gate"])) * F.linear(x, blk["up"]), blk["down"])
            x = x + rms(m, blk["post_mlp"])
        logits = F.linear(rms(x, final_norm), head).float()
        return F.cross_entropy(logits[:, :-1].reshape(-1, v), tokens[:, 1:].reshape(-1))

    def attention(q, k, val):
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        mask = torch.ones(q.shape[-2], q.shape[-2], dtype=torch.bool).triu(1)
        return torch.softmax(scores.masked_fill(mask, float("-inf")).float(), dim=-1).to(bf16) @ val

    g = torch.Generator().manual_seed(args.seed + 1)
    batches = [torch.randint(0, v, (args.batch, args.context), generator=g)
               for _ in range(args.windows // args.batch + 1)]
    with torch.inference_mode():
        loss(batches[0])  # untimed: first-call setup
        start = time.time()
        losses = [loss(b).item() for b in batches[1:]]
        seconds = time.time() - start
    tokens = len(batches[1:]) * args.batch * args.context
    config = torch.__config__.show()
    onednn = next((line.strip() for line in config.splitlines() if "MKL-DNN" in line or "oneDNN" in line), None)
    capability = next((line.split(":")[1].strip() for line in config.splitlines() if "CPU capability" in line), None)
    print(json.dumps({
        "peer": "pytorch-bf16-score", "torch": torch.__version__, "onednn": onednn,
        "cpu_capability": capability, "threads": args.threads, "parameters": params,
        "context": args.context, "batch": args.batch, "tokens": tokens, "seconds": round(seconds, 2),
        "tokens_per_s": round(tokens / seconds, 2), "loss": sum(losses) / len(losses),
    }))


if __name__ == "__main__":
    main()
