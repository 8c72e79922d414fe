#!/usr/bin/python3
"""Writes the OLMo fixtures that OlmoFixtureTest checks the Java model against.

The forward pass below is Hugging Face's OlmoForCausalLM (modeling_olmo) written out in plain
torch, independently of the Java code: non-parametric LayerNorm (eps 1e-5), q/k/v projections,
rotary embedding (rotate-half, inv_freq = theta^(-2i/head_dim)), causal softmax attention,
o_proj, residual; LayerNorm, down(silu(gate(x)) * up(x)), residual; final LayerNorm; output head
(or the tied embedding) times the logit multiplier. No biases.

Weights are drawn in float32. The reference loss, gradients and log-probabilities are computed
by autograd in float64 from those same float32 weights, so the fixture carries the exact answer
and the test measures the Java float32 error alone; the float32 torch result is printed beside
it so the two errors can be compared.

Run with Debian's torch:  /usr/bin/python3 src/test/python/make_olmo_fixtures.py
Output: src/test/resources/fixtures/olmo/{standard_untied,standard_tied,mup}.json
"""
import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "..", "resources", "fixtures", "olmo")
BLOCK = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
         "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]


def shapes(cfg):
    d, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    out = [("model.embed_tokens.weight", (v, d))]
    for layer in range(cfg["num_hidden_layers"]):
        for name in BLOCK:
            shape = (d, f) if name == "mlp.down_proj" else (f, d) if name.startswith("mlp") else (d, d)
            out.append((f"model.layers.{layer}.{name}.weight", shape))
    if not cfg["tie_word_embeddings"]:
        out.append(("lm_head.weight", (v, d)))
    return out


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(cfg, w, tokens, targets):
    """Per-position log p(target) (0 where ignored) and the mean loss over counted targets."""
    dtype = w["model.embed_tokens.weight"].dtype
    b, t = tokens.shape
    d, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    hd = d // heads
    # Hugging Face builds the rotary tables in float32 whatever the model's dtype
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    freqs = torch.arange(t, dtype=torch.float32)[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(dtype), emb.sin().to(dtype)
    mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)

    def norm(x):
        return F.layer_norm(x, (d,), None, None, eps=1e-5)

    x = w["model.embed_tokens.weight"][tokens] * cfg["embedding_scale"]
    for layer in range(cfg["num_hidden_layers"]):
        p = lambda name: w[f"model.layers.{layer}.{name}.weight"]
        h = norm(x)
        q, k, v = (F.linear(h, p(f"self_attn.{n}_proj")).view(b, t, heads, hd).transpose(1, 2)
                   for n in "qkv")
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        scores = (q @ k.transpose(-1, -2)) * cfg["attention_scale"]
        probs = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
        y = (probs @ v).transpose(1, 2).reshape(b, t, d)
        x = x + F.linear(y, p("self_attn.o_proj"))
        h = norm(x)
        x = x + F.linear(F.silu(F.linear(h, p("mlp.gate_proj"))) * F.linear(h, p("mlp.up_proj")),
                         p("mlp.down_proj"))
    head = w["model.embed_tokens.weight" if cfg["tie_word_embeddings"] else "lm_head.weight"]
    logits = F.linear(norm(x), head) * cfg["logit_scale"]
    logp = torch.log_softmax(logits, dim=-1)
    counted = targets >= 0
    picked = logp.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1) * counted
    return picked, -picked.sum() / counted.sum()


def run(cfg, w32, tokens, targets, dtype):
    w = {n: t.detach().to(dtype).requires_grad_(True) for n, t in w32.items()}
    logp, loss = forward(cfg, w, tokens, targets)
    loss.backward()
    return loss.detach(), logp.detach(), {n: t.grad for n, t in w.items()}


def floats(t, digits):
    return "[" + ",".join(f"{x:.{digits}g}" for x in t.flatten().tolist()) + "]"


def make(name, seed, tied, parameterization, base_width, rope_theta):
    cfg = dict(vocab_size=61, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
               intermediate_size=48, max_position_embeddings=16, tie_word_embeddings=tied,
               rope_theta=rope_theta, parameterization=parameterization, base_width=base_width,
               init_std=0.02, batch=3, seq_len=12)
    d, hd = cfg["hidden_size"], cfg["hidden_size"] // cfg["num_attention_heads"]
    mup = parameterization == "mup"
    # the multipliers, from the definitions (Tensor Programs V; the mup library's MuReadout)
    cfg["attention_scale"] = 1.0 / hd if mup else 1.0 / math.sqrt(hd)
    cfg["logit_scale"] = base_width / d if mup else 1.0
    cfg["embedding_scale"] = 1.0

    gen = torch.Generator().manual_seed(seed)
    # scales chosen so attention is neither uniform nor one-hot and logits spread over a few nats
    w32 = {}
    for tensor, shape in shapes(cfg):
        std = 0.2 if "embed" in tensor or "lm_head" in tensor else 0.3
        w32[tensor] = (torch.randn(shape, generator=gen) * std).float()
    b, t, v = cfg["batch"], cfg["seq_len"], cfg["vocab_size"]
    stream = torch.randint(0, v, (b, t + 1), generator=gen)
    tokens, targets = stream[:, :-1].clone(), stream[:, 1:].clone()
    ignored = torch.rand((b, t), generator=gen) < 0.2
    targets[ignored] = -1

    loss64, logp64, grads64 = run(cfg, w32, tokens, targets, torch.float64)
    loss32, logp32, grads32 = run(cfg, w32, tokens, targets, torch.float32)
    worst = max(((grads32[n].double() - g).norm() / g.norm()).item() for n, g in grads64.items())
    print(f"{name}: loss {loss64.item():.9f}, torch float32 vs float64: loss rel "
          f"{abs(loss32.item() - loss64.item()) / loss64.item():.2e}, worst grad rel {worst:.2e}, "
          f"ignored {int(ignored.sum())} of {b * t}")

    parts = ['"config":' + json.dumps(cfg),
             '"tokens":' + json.dumps(tokens.flatten().tolist()),
             '"targets":' + json.dumps(targets.flatten().tolist()),
             f'"loss":{loss64.item():.17g}',
             '"target_log_probs":' + floats(logp64, 12),
             '"weights":{' + ",".join(f'"{n}":{floats(t, 9)}' for n, t in w32.items()) + "}",
             '"grads":{' + ",".join(f'"{n}":{floats(g, 10)}' for n, g in grads64.items()) + "}"]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".json")
    with open(path + ".tmp", "w") as f:
        f.write("{\n" + ",\n".join(parts) + "\n}\n")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    make("standard_untied", seed=1, tied=False, parameterization="standard", base_width=32,
         rope_theta=10000.0)
    make("standard_tied", seed=2, tied=True, parameterization="standard", base_width=32,
         rope_theta=10000.0)
    # width 32 over base 8: logits x 1/4, attention 1/head_dim = 1/8 instead of 1/sqrt(8)
    make("mup", seed=3, tied=False, parameterization="mup", base_width=8, rope_theta=500.0)
