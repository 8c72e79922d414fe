#!/usr/bin/python3
"""The PyTorch peer for the speed benchmarks: OLMo-architecture pre-training on random tokens.

Same architecture as the Java engine: token embedding; per block a non-parametric LayerNorm
(no weight, no bias, eps 1e-5), causal multi-head attention with rotary embeddings (theta
10000, rotate-half), output projection, residual, non-parametric LayerNorm, SwiGLU MLP
down(silu(gate(x)) * up(x)), residual; a final non-parametric LayerNorm and an untied head; no
biases; AdamW (0.9, 0.95, eps 1e-8, weight decay 0.1). Weights are drawn from N(0, 0.02^2), as
overtrain's are, so the first loss is near ln(vocab). Prints one JSON line with tokens_per_s
over the timed steps (warm-up steps excluded), the parameter count, the first and last loss,
and what ran the products: the BLAS library, its version, the kernel it chose (threadpoolctl's
architecture) and its threads, and ATen's CPU capability.

Run it with the system Python (torch 1.13 from python3-torch, python3-threadpoolctl,
libopenblas0-pthread installed) and OMP_WAIT_POLICY=PASSIVE: otherwise torch's OpenMP threads
and OpenBLAS's spin against each other and a step is many times slower. OpenBLAS's own thread
pool is held to --threads (torch.set_num_threads does not reach it). Where OPENBLAS_CORETYPE or
OPENBLAS_L2_SIZE are set (some machines set them for older OpenBLAS builds), unset both for
this command alone, or OpenBLAS runs the kernel they name instead of the one for this CPU;
bench/compare.py does. For example
    OMP_WAIT_POLICY=PASSIVE bench/peer_olmo.py --layers 4 --d-model 256 --heads 4 \\
        --vocab 8192 --context 256 --batch 16 --threads 2 --steps 10
"""
import argparse
import json
import math
import os
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=256)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=0,
                    help="SwiGLU hidden width (default 4 x d-model)")
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--context", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10, help="timed steps")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    ap.add_argument("--seed", type=int, default=1)
    return ap.parse_args()


def main():
    args = parse_args()
    if os.environ.get("OMP_WAIT_POLICY", "").upper() != "PASSIVE":
        print("peer_olmo: OMP_WAIT_POLICY=PASSIVE is not set; expect a much slower run",
              file=sys.stderr)
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from threadpoolctl import threadpool_info, threadpool_limits

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    d, h, ctx = args.d_model, args.heads, args.context
    if d % h or (d // h) % 2:
        sys.exit(f"peer_olmo: --d-model {d} must split into --heads {h} of even size")
    hd = d // h
    ff = args.intermediate or 4 * d

    def norm(x):
        return F.layer_norm(x, (d,), eps=1e-5)

    inv_freq = 1.0 / (10000 ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    angles = torch.outer(torch.arange(ctx, dtype=torch.float32), inv_freq)
    cos = torch.cat([angles.cos(), angles.cos()], dim=-1)  # [ctx, hd]
    sin = torch.cat([angles.sin(), angles.sin()], dim=-1)
    mask = torch.full((ctx, ctx), float("-inf")).triu(1)

    def rope(x):  # x: [B, h, T, hd]
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return x * cos + torch.cat([-x2, x1], dim=-1) * sin

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.q = nn.Linear(d, d, bias=False)
            self.k = nn.Linear(d, d, bias=False)
            self.v = nn.Linear(d, d, bias=False)
            self.o = nn.Linear(d, d, bias=False)
            self.gate = nn.Linear(d, ff, bias=False)
            self.up = nn.Linear(d, ff, bias=False)
            self.down = nn.Linear(ff, d, bias=False)

        def forward(self, x):
            b, t, _ = x.shape
            y = norm(x)
            q = rope(self.q(y).view(b, t, h, hd).transpose(1, 2))
            k = rope(self.k(y).view(b, t, h, hd).transpose(1, 2))
            v = self.v(y).view(b, t, h, hd).transpose(1, 2)
            att = (q @ k.transpose(-2, -1)) / math.sqrt(hd) + mask
            y = (att.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
            x = x + self.o(y)
            y = norm(x)
            return x + self.down(F.silu(self.gate(y)) * self.up(y))

    class Olmo(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(args.vocab, d)
            self.blocks = nn.ModuleList(Block() for _ in range(args.layers))
            self.head = nn.Linear(d, args.vocab, bias=False)

        def forward(self, tokens):
            x = self.embed(tokens)
            for block in self.blocks:
                x = block(x)
            return self.head(norm(x))

    model = Olmo()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.02)
    decay = [p for n, p in model.named_parameters() if not n.startswith("embed")]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1},
         {"params": model.embed.parameters(), "weight_decay": 0.0}],
        lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    gen = torch.Generator().manual_seed(args.seed)

    def step():
        tokens = torch.randint(0, args.vocab, (args.batch, ctx + 1), generator=gen)
        logits = model(tokens[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, args.vocab), tokens[:, 1:].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    with threadpool_limits(limits=args.threads, user_api="blas"):
        initial = None
        for _ in range(args.warmup):
            loss = step()
            initial = loss if initial is None else initial
        step_times = []
        for _ in range(args.steps):
            start = time.perf_counter()
            loss = step()
            step_times.append(time.perf_counter() - start)
            initial = loss if initial is None else initial
        seconds = sum(step_times)
        # taken inside the limit, after the products ran: the BLAS and the threads they had
        blas = [{k: lib.get(k) for k in ("internal_api", "version", "architecture",
                                         "threading_layer", "num_threads", "filepath")}
                for lib in threadpool_info() if lib.get("user_api") == "blas"]
    capability = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines()
                       if "CPU capability usage" in line), None)
    tokens = args.steps * args.batch * ctx
    n_nonembed = args.layers * (4 * d * d + 3 * d * ff)
    flops_per_token = 6 * n_nonembed + 6 * args.vocab * d + 12 * args.layers * d * ctx
    print(json.dumps({
        "peer": "pytorch", "torch": torch.__version__, "threads": args.threads,
        "layers": args.layers, "d_model": d, "heads": h, "intermediate": ff,
        "vocab": args.vocab, "context": ctx, "batch": args.batch, "steps": args.steps,
        "params": sum(p.numel() for p in model.parameters()),
        "tokens_per_s": round(tokens / seconds, 1),
        "gflops": round(tokens * flops_per_token / seconds / 1e9, 1),
        "step_times_ms": [round(1000 * t, 2) for t in step_times],
        "initial_loss": round(initial, 4), "loss": round(loss, 4),
        "blas": blas, "cpu_capability": capability,
        "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}}))


if __name__ == "__main__":
    main()
