#!/usr/bin/python3
"""Writes the fixtures that OlmoFixtureTest (and, for the Hugging Face folders,
checkpoint.HfFolderFixtureTest) check the Java model against.

The forward pass below is Hugging Face's OlmoForCausalLM (modeling_olmo) written out in plain
torch, independently of the Java code: non-parametric LayerNorm (eps 1e-5), q/k/v projections,
rotary embedding (rotate-half, inv_freq = theta^(-2i/head_dim)), causal softmax attention,
o_proj, residual; LayerNorm, down(silu(gate(x)) * up(x)), residual; final LayerNorm; output head
(or the tied embedding) times the logit multiplier. No biases. With model_type "llama" it is
LlamaForCausalLM (modeling_llama): RMSNorm with its weight (input_layernorm,
post_attention_layernorm, model.norm) in place of each LayerNorm. With "olmo2" it is
Olmo2ForCausalLM (modeling_olmo2): q and k RMS-normalised over their whole width right after
their projections (q_norm, k_norm), and the block's norms on the sub-layers' outputs,
x = x + RMS(attn(x)) (post_attention_layernorm), x = x + RMS(mlp(x))
(post_feedforward_layernorm), then a final RMSNorm. RMSNorm(x) = w * x / sqrt(mean(x^2) + eps).

Weights are drawn in float32. The reference loss, gradients and log-probabilities are computed
by autograd in float64 from those same float32 weights, so the fixture carries the exact answer
and the test measures the Java float32 error alone; the float32 torch result is printed beside
it so the two errors can be compared.

The Llama and OLMo-2 fixtures also carry "hf_config", the config.json Hugging Face would
publish for them (no keys of ours), and "log_probs", log p(v | prefix) for every position and
every token v: the logits, up to each row's shift.

Run with Debian's torch:  /usr/bin/python3 src/test/python/make_olmo_fixtures.py [NAME...]
Output: src/test/resources/fixtures/olmo/{standard_untied,standard_tied,mup,llama,olmo2}.json
(only the NAMEs given, when some are)
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "..", "resources", "fixtures", "olmo")
BLOCK = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
         "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]


# each block's norm weights, by model_type (the attention's norm, the MLP's, then q's and k's)
NORMS = {"olmo": [],
         "llama": ["input_layernorm", "post_attention_layernorm"],
         "olmo2": ["post_attention_layernorm", "post_feedforward_layernorm",
                   "self_attn.q_norm", "self_attn.k_norm"]}


def shapes(cfg):
    d, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    kind = cfg.get("model_type", "olmo")
    out = [("model.embed_tokens.weight", (v, d))]
    for layer in range(cfg["num_hidden_layers"]):
        for name in BLOCK:
            shape = (d, f) if name == "mlp.down_proj" else (f, d) if name.startswith("mlp") else (d, d)
            out.append((f"model.layers.{layer}.{name}.weight", shape))
        for name in NORMS[kind]:
            out.append((f"model.layers.{layer}.{name}.weight", (d,)))
    if kind != "olmo":
        out.append(("model.norm.weight", (d,)))
    if not cfg["tie_word_embeddings"]:
        out.append(("lm_head.weight", (v, d)))
    return out


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(cfg, w, tokens, targets):
    """Per-position log p(target) (0 where ignored), the mean loss over counted targets, and
    log p(v | prefix) for every v."""
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

    kind = cfg.get("model_type", "olmo")

    def rms(x, weight):
        return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + cfg["rms_norm_eps"]))

    def norm(x, weight):
        if kind == "olmo":
            return F.layer_norm(x, (d,), None, None, eps=1e-5)
        return rms(x, w[weight])

    def attention(h, p):
        q, k, v = (F.linear(h, p(f"self_attn.{n}_proj")) for n in "qkv")
        if kind == "olmo2":  # over the whole projection, before the heads are split
            q, k = rms(q, p("self_attn.q_norm")), rms(k, p("self_attn.k_norm"))
        q, k, v = (z.view(b, t, heads, hd).transpose(1, 2) for z in (q, k, v))
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        scores = (q @ k.transpose(-1, -2)) * cfg["attention_scale"]
        probs = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
        y = (probs @ v).transpose(1, 2).reshape(b, t, d)
        return F.linear(y, p("self_attn.o_proj"))

    def mlp(h, p):
        return F.linear(F.silu(F.linear(h, p("mlp.gate_proj"))) * F.linear(h, p("mlp.up_proj")),
                        p("mlp.down_proj"))

    x = w["model.embed_tokens.weight"][tokens] * cfg["embedding_scale"]
    for layer in range(cfg["num_hidden_layers"]):
        p = lambda name: w[f"model.layers.{layer}.{name}.weight"]
        names = [f"model.layers.{layer}.{n}.weight" for n in NORMS[kind]] or [None, None]
        if kind == "olmo2":
            x = x + norm(attention(x, p), names[0])
            x = x + norm(mlp(x, p), names[1])
        else:
            x = x + attention(norm(x, names[0]), p)
            x = x + mlp(norm(x, names[1]), p)
    head = w["model.embed_tokens.weight" if cfg["tie_word_embeddings"] else "lm_head.weight"]
    logits = F.linear(norm(x, "model.norm.weight"), head) * cfg["logit_scale"]
    logp = torch.log_softmax(logits, dim=-1)
    counted = targets >= 0
    picked = logp.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1) * counted
    return picked, -picked.sum() / counted.sum(), logp


def run(cfg, w32, tokens, targets, dtype):
    w = {n: t.detach().to(dtype).requires_grad_(True) for n, t in w32.items()}
    logp, loss, all_logp = forward(cfg, w, tokens, targets)
    loss.backward()
    return loss.detach(), logp.detach(), {n: t.grad for n, t in w.items()}, all_logp.detach()


def floats(t, digits):
    return "[" + ",".join(f"{x:.{digits}g}" for x in t.flatten().tolist()) + "]"


def make(name, seed, tied, parameterization, base_width, rope_theta, model_type="olmo",
         rms_norm_eps=None):
    cfg = dict(vocab_size=61, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
               intermediate_size=48, max_position_embeddings=16, tie_word_embeddings=tied,
               rope_theta=rope_theta, parameterization=parameterization, base_width=base_width,
               init_std=0.02, batch=3, seq_len=12)
    if model_type != "olmo":
        cfg.update(model_type=model_type, rms_norm_eps=rms_norm_eps)
    d, hd = cfg["hidden_size"], cfg["hidden_size"] // cfg["num_attention_heads"]
    mup = parameterization == "mup"
    # the multipliers, from the definitions (Tensor Programs V; the mup library's MuReadout)
    cfg["attention_scale"] = 1.0 / hd if mup else 1.0 / math.sqrt(hd)
    cfg["logit_scale"] = base_width / d if mup else 1.0
    cfg["embedding_scale"] = 1.0

    gen = torch.Generator().manual_seed(seed)
    # scales chosen so attention is neither uniform nor one-hot and logits spread over a few nats
    # and norm gains spread about 1, so that a gain left out would show
    w32 = {}
    for tensor, shape in shapes(cfg):
        if len(shape) == 1:
            w32[tensor] = (1 + torch.randn(shape, generator=gen) * 0.2).float()
            continue
        std = 0.2 if "embed" in tensor or "lm_head" in tensor else 0.3
        w32[tensor] = (torch.randn(shape, generator=gen) * std).float()
    b, t, v = cfg["batch"], cfg["seq_len"], cfg["vocab_size"]
    stream = torch.randint(0, v, (b, t + 1), generator=gen)
    tokens, targets = stream[:, :-1].clone(), stream[:, 1:].clone()
    ignored = torch.rand((b, t), generator=gen) < 0.2
    targets[ignored] = -1

    loss64, logp64, grads64, all64 = run(cfg, w32, tokens, targets, torch.float64)
    loss32, logp32, grads32, _ = run(cfg, w32, tokens, targets, torch.float32)
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
    if model_type != "olmo":
        parts += ['"log_probs":' + floats(all64, 12),
                  '"hf_config":' + json.dumps(hf_config(cfg))]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".json")
    with open(path + ".tmp", "w") as f:
        f.write("{\n" + ",\n".join(parts) + "\n}\n")
    os.replace(path + ".tmp", path)


def hf_config(cfg):
    """The config.json transformers publishes for this model (LlamaConfig's or Olmo2Config's
    keys as saved by it; none of ours)."""
    out = {"architectures": ["LlamaForCausalLM" if cfg["model_type"] == "llama" else "Olmo2ForCausalLM"],
           "attention_bias": False, "attention_dropout": 0.0, "bos_token_id": None,
           "eos_token_id": 0, "hidden_act": "silu", "hidden_size": cfg["hidden_size"],
           "initializer_range": cfg["init_std"], "intermediate_size": cfg["intermediate_size"],
           "max_position_embeddings": cfg["max_position_embeddings"],
           "model_type": cfg["model_type"], "num_attention_heads": cfg["num_attention_heads"],
           "num_hidden_layers": cfg["num_hidden_layers"],
           "num_key_value_heads": cfg["num_attention_heads"], "pad_token_id": 1,
           "rms_norm_eps": cfg["rms_norm_eps"], "rope_scaling": None,
           "rope_theta": cfg["rope_theta"], "tie_word_embeddings": cfg["tie_word_embeddings"],
           "torch_dtype": "float32", "transformers_version": "4.48.0", "use_cache": True,
           "vocab_size": cfg["vocab_size"]}
    if cfg["model_type"] == "llama":
        out.update(mlp_bias=False, pretraining_tp=1)
    return out


FIXTURES = {
    "standard_untied": dict(seed=1, tied=False, parameterization="standard", base_width=32,
                            rope_theta=10000.0),
    "standard_tied": dict(seed=2, tied=True, parameterization="standard", base_width=32,
                          rope_theta=10000.0),
    # width 32 over base 8: logits x 1/4, attention 1/head_dim = 1/8 instead of 1/sqrt(8)
    "mup": dict(seed=3, tied=False, parameterization="mup", base_width=8, rope_theta=500.0),
    # as LLM360/Amber: untied head, eps 1e-6 (here 1e-5, so that eps is read, not assumed)
    "llama": dict(seed=4, tied=False, parameterization="standard", base_width=32,
                  rope_theta=10000.0, model_type="llama", rms_norm_eps=1e-5),
    # as OLMo-2: rope_theta 500000, eps 1e-6
    "olmo2": dict(seed=5, tied=False, parameterization="standard", base_width=32,
                  rope_theta=500000.0, model_type="olmo2", rms_norm_eps=1e-6),
}

if __name__ == "__main__":
    for fixture in sys.argv[1:] or FIXTURES:
        make(fixture, **FIXTURES[fixture])
