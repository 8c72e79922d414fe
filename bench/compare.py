#!/usr/bin/python3
"""Training tokens/s of overtrain against its peers, alternately, per shape, with the FMA ceiling.

The peers train the same OLMo block (same layers, width, heads, SwiGLU width 4 x d, vocabulary,
context, batch and thread count; non-parametric LayerNorm, RoPE, no biases, untied head,
cross-entropy, clipping, AdamW):
  pytorch   bench/peer_olmo.py on Debian's python3-torch, its products in Debian's OpenBLAS.
            OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from this command's environment
            (some machines set them for older OpenBLAS builds; they pin an old kernel), and the
            BLAS it then ran (threadpoolctl: library, version, kernel, threads) is printed.
  libtorch  bench/libtorch/run.sh: current libtorch from DJL's Maven artifacts, from Java,
            offline; its products in the MKL it bundles, at its AVX-512 kernels on AMD too (run.sh
            preloads a shim for MKL's vendor check); the MKL header, how MKL dispatched and
            whether oneDNN ran are read from one probe step with MKL_VERBOSE and ONEDNN_VERBOSE.
Each peer's OpenMP threads wait for work as it ran fastest (WAIT_POLICY): PyTorch's sleep
(OMP_WAIT_POLICY=PASSIVE), libtorch's spin (ACTIVE).
Each round runs, for every shape, ours (`overtrain bench train --json`) and each peer one after
the other, the order rotated from round to round so that a load that drifts favours none; ours'
run is followed at once by the FMA ceiling on the shape's threads (JMH FmaCeilingBenchmark) and,
beside it, a 256^3 product per thread with its operands in cache. The load average
(/proc/loadavg) is taken before every run and printed beside it: the machine is shared, and only
figures from the same round, side by side, compare. The load average does not show a neighbour
on the host, the in-cache product does: the ceiling's loop touches no memory and holds its speed
when a neighbour shares the cores' load ports and caches, while that product (and every product
of a step) falls from about 93% of the ceiling to about 65% (bench/HISTORY.md).

At the end, per shape: the median tokens/s of each, the median of the per-round ratios of ours
to each peer, the achieved GFLOP/s (6 x non-embedding params + 6 x vocab x d + 12 x layers x d x
context per token) and its fraction of the ceiling measured right after it on the shape's
thread count; the goals (ours >= 1.5x pytorch on every shape, >= libtorch on every shape, >= 2x
both on the one-thread shape, >= 70% of the ceiling on the two larger shapes) met or not; the
same again from each run's median step rather than its mean (every runner reports each timed
step): on the shared host a neighbour now and then slows a step by half, and a mean of 8 steps
carries that into one runner's figure and not the next; and for ours, forward-only scoring
against training and the peak memory figures of `bench train`.

    bench/compare.py                       # the three shapes, 3 rounds (7-8 minutes on the 2-vCPU machine)
    bench/compare.py --rounds 2 --shape 4x256x8192
    bench/compare.py --peer pytorch        # without the libtorch peer
    bench/compare.py --rounds 1 --steps 2  # a quick look
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CEIL = re.compile(r"^FmaCeilingBenchmark\.(fma|product)\d\s+(\d+)\s+GFLOP/s\s+([\d.]+)")

# name (layers x d_model x vocab) -> (layers, d_model, heads, vocab, context, batch, threads)
SHAPES = {
    "2x32x4096": (2, 32, 2, 4096, 128, 32, 1),
    "2x128x4096": (2, 128, 2, 4096, 256, 16, 2),
    "4x256x8192": (4, 256, 4, 8192, 256, 16, 2),
    "8x512x8192": (8, 512, 8, 8192, 256, 16, 2),
}
DEFAULT_SHAPES = ["2x32x4096", "2x128x4096", "4x256x8192"]
ALIASES = {"tiny-1t": "2x32x4096"}
CACHED_SIZE = 256  # FmaCeilingBenchmark.SIZE
PEERS = ("pytorch", "libtorch")
# set on some machines for older OpenBLAS builds; they pin OpenBLAS to the kernel they name
OPENBLAS_PINS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# OpenBLAS's AVX-512 SGEMM kernels (what its DYNAMIC_ARCH picks on an AVX-512 CPU it knows)
AVX512_OPENBLAS = ("SkylakeX", "Cooperlake", "SapphireRapids")
GOAL_PYTORCH, GOAL_LIBTORCH, GOAL_TINY, GOAL_CEILING = 1.5, 1.0, 2.0, 0.70


def flops_per_token(layers, d, vocab, context):
    ff = 4 * d
    return 6 * layers * (4 * d * d + 3 * d * ff) + 6 * vocab * d + 12 * layers * d * context


def params(layers, d, vocab):
    """What ours holds: embedding, untied head, per block q, k, v, o and SwiGLU's three."""
    return 2 * vocab * d + layers * (4 * d * d + 3 * d * 4 * d)


def load():
    return float(Path("/proc/loadavg").read_text().split()[0])


def run_json(cmd, env=None):
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def shape_args(shape):
    layers, d, heads, vocab, ctx, batch, threads = shape
    return ["--layers", str(layers), "--d-model", str(d), "--heads", str(heads),
            "--vocab", str(vocab), "--context", str(ctx), "--batch", str(batch)]


# Each peer's OpenMP threads wait for work as they run fastest here (bench/HISTORY.md,
# "2026-12-05, morning"): PyTorch's sleep (its OpenBLAS has a pthreads pool of its own on the
# same cores, which spinning OpenMP threads starve), libtorch's spin (MKL and ATen share one
# OpenMP pool, which would otherwise wake up for every operator).
WAIT_POLICY = {"pytorch": "PASSIVE", "libtorch": "ACTIVE"}


def peer_env(peer):
    env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_PINS}
    env["OMP_WAIT_POLICY"] = WAIT_POLICY[peer]
    return env


def ours(shape, steps, warmup):
    threads = shape[6]
    env = dict(os.environ)
    env["OVERTRAIN_JAVA_OPTS"] = (env.get("OVERTRAIN_JAVA_OPTS", "")
                                  + f" -Dovertrain.threads={threads}").strip()
    return run_json([str(ROOT / "overtrain"), "bench", "train", "--json"]
                    + shape_args(shape)
                    + ["--steps", str(steps), "--warmup-steps", str(warmup)], env)


def pytorch(shape, steps, warmup):
    return run_json(["/usr/bin/python3", str(HERE / "peer_olmo.py")]
                    + shape_args(shape)
                    + ["--threads", str(shape[6]), "--steps", str(steps), "--warmup", str(warmup)],
                    peer_env("pytorch"))


def libtorch(shape, steps, warmup):
    return run_json([str(HERE / "libtorch" / "run.sh")] + shape_args(shape)
                    + ["--threads", str(shape[6]), "--steps", str(steps), "--warmup", str(warmup)],
                    peer_env("libtorch"))


RUNNERS = {"ours": ours, "pytorch": pytorch, "libtorch": libtorch}


def libtorch_kernels(shape):
    """One untimed step with MKL's and oneDNN's verbose logs: which MKL, and who did the products."""
    env = dict(peer_env("libtorch"), MKL_VERBOSE="1", ONEDNN_VERBOSE="1")
    cmd = ([str(HERE / "libtorch" / "run.sh")] + shape_args(shape)
           + ["--threads", str(shape[6]), "--steps", "1", "--warmup", "0"])
    print("$ MKL_VERBOSE=1 ONEDNN_VERBOSE=1", " ".join(cmd), file=sys.stderr, flush=True)
    run = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    lines = run.stdout.splitlines()
    # run.sh preloads a shim that answers MKL's vendor check (bench/libtorch/mkl_intel_cpu.c);
    # with MKL_VERBOSE set it says so on stderr. The header reads the same either way.
    shim = any(l.startswith("mkl_intel_cpu:") for l in run.stderr.splitlines())
    dispatch = ("by instruction set (vendor check answered by the preloaded shim)" if shim
                else "MKL's own vendor check (generic kernels on a CPU it does not take for Intel's)")
    header = next((l[len("MKL_VERBOSE "):] for l in lines if l.startswith("MKL_VERBOSE oneMKL")
                   or l.startswith("MKL_VERBOSE Intel")), "no MKL_VERBOSE header")
    calls = defaultdict(int)
    for l in lines:
        m = re.match(r"MKL_VERBOSE (\w+)\(", l)
        if m:
            calls[m[1]] += 1
    onednn_exec = sum(1 for l in lines if l.startswith("onednn_verbose") and ",exec," in l)
    isa = next((l.split("isa:", 1)[1] for l in lines if "onednn_verbose" in l and "isa:" in l), None)
    return {"mkl": header, "mkl_dispatch": dispatch, "mkl_calls": dict(calls), "onednn_primitives": onednn_exec,
            "onednn_isa": isa}


def ceiling(threads):
    """The FMA ceiling on this many threads and the in-cache product beside it, in GFLOP/s."""
    cmd = [str(HERE / "jmh.sh"), f"FmaCeilingBenchmark\\.(fma|product){threads}$",
           "-wi", "1", "-i", "3", "-w", "1", "-r", "1"]
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    found = {"fma": {}, "product": {}}
    for line in out.splitlines():
        m = CEIL.match(line)
        if m:
            found[m[1]][int(m[2])] = float(m[3])
    if threads not in found["fma"] or threads not in found["product"]:
        sys.exit("compare.py: no FMA ceiling and in-cache product in the output of "
                 + " ".join(cmd) + ":\n" + out)
    return found["fma"][threads], found["product"][threads]


def dpkg_version(package):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else "not installed"


def check_peer(name, shape_name, result):
    """The peer must train what ours trains: the same parameters, a first loss near ln(vocab)."""
    layers, d, heads, vocab, ctx, batch, threads = SHAPES[shape_name]
    want = params(layers, d, vocab)
    if result.get("params") != want:
        sys.exit(f"compare.py: {name} at {shape_name} has {result.get('params')} parameters, "
                 f"ours {want}: it does not train the same model")
    if abs(result["initial_loss"] - math.log(vocab)) > 0.1:
        sys.exit(f"compare.py: {name} at {shape_name} starts at loss {result['initial_loss']}, "
                 f"expected near ln({vocab}) = {math.log(vocab):.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    ap.add_argument("--steps", type=int, default=8, help="timed steps per run (default 8)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps per run (default 2; ours goes on while the JIT is at work: bench train --help)")
    ap.add_argument("--shape", action="append", choices=sorted(SHAPES) + sorted(ALIASES),
                    help="limit to these shapes (repeatable; default "
                    + ", ".join(DEFAULT_SHAPES) + ")")
    ap.add_argument("--peer", action="append", choices=PEERS,
                    help="limit to these peers (repeatable; default both)")
    args = ap.parse_args()
    names = [ALIASES.get(n, n) for n in (args.shape or DEFAULT_SHAPES)]
    peers = args.peer or list(PEERS)
    who_all = ["ours"] + peers
    tps = defaultdict(lambda: defaultdict(list))
    loads = defaultdict(lambda: defaultdict(list))
    ratios = defaultdict(lambda: defaultdict(list))
    # the same by each run's median step: a step the host slowed (a neighbour on the other vCPU)
    # weighs less, for every runner alike
    tps_med = defaultdict(lambda: defaultdict(list))
    ratios_med = defaultdict(lambda: defaultdict(list))
    # per shape, measured right after ours' run: the ceiling, and the in-cache product over it
    ceil = defaultdict(list)
    cached = defaultdict(list)
    extra = defaultdict(lambda: defaultdict(list))  # ours: scoring speed-up, memory
    kernels = {}
    print(f"CPU: {cpu_name()}, {os.cpu_count()} logical CPUs; load before start {load():.2f}",
          flush=True)
    if "libtorch" in peers:
        kernels["libtorch probe"] = libtorch_kernels(SHAPES[names[0]])
    for r in range(args.rounds):
        for name in names:
            shape = SHAPES[name]
            order = who_all[r % len(who_all):] + who_all[:r % len(who_all)]
            got, med = {}, {}
            for who in order:
                before = load()
                result = RUNNERS[who](shape, args.steps, args.warmup)
                got[who] = result["tokens_per_s"]
                tps[name][who].append(got[who])
                med[who] = shape[4] * shape[5] / (statistics.median(result["step_times_ms"]) / 1000)
                tps_med[name][who].append(med[who])
                loads[name][who].append(before)
                if who == "ours":
                    ceiling_load = load()
                    fma, product = ceiling(shape[6])
                    ceil[name].append(fma)
                    cached[name].append(product / fma)
                    print(f"round {r + 1} {name}: after ours, FMA ceiling {shape[6]} thread(s) "
                          f"{fma:.1f} GFLOP/s, an in-cache product {product:.1f} "
                          f"({100 * cached[name][-1]:.0f}% of it) (load {ceiling_load:.2f})",
                          flush=True)
                    ran_on = f"{result.get('code_version')} on {result.get('java')}"
                    kernels.setdefault("ours", ran_on)
                    for key in ("score_vs_train", "peak_rss_mib", "runtime_rss_mib", "need_mib",
                                "heap_peak_mib", "live_heap_mib", "runtime_live_heap_mib",
                                "allocated_kib_per_step"):
                        extra[name][key].append(result[key])
                else:
                    check_peer(who, name, result)
                    if who not in kernels:
                        kernels[who] = {k: result.get(k) for k in
                                        ("torch", "djl", "features", "blas", "cpu_capability",
                                         "openblas_env", "libtorch_path")
                                        if result.get(k) is not None}
            for p in peers:
                ratios[name][p].append(got["ours"] / got[p])
                ratios_med[name][p].append(med["ours"] / med[p])
            print(f"round {r + 1} {name} ({shape[6]} thr): "
                  + ", ".join(f"{w} {got[w]:,.0f} tok/s (load {loads[name][w][-1]:.2f})"
                              for w in order)
                  + "; ours/" + ", ours/".join(f"{p} {ratios[name][p][-1]:.2f}" for p in peers),
                  flush=True)

    print()
    print(f"Ours: overtrain {kernels.get('ours')} (the JVM `overtrain` runs: JAVA_HOME's, else "
          "the `java` on PATH)")
    print("Peers' kernels:")
    if "pytorch" in peers:
        print(f"  pytorch: Debian python3-torch {dpkg_version('python3-torch')}, "
              f"libopenblas0-pthread {dpkg_version('libopenblas0-pthread')}, "
              f"OMP_WAIT_POLICY={WAIT_POLICY['pytorch']}: "
              + json.dumps(kernels.get("pytorch")))
        for lib in kernels.get("pytorch", {}).get("blas", []):
            if (lib.get("internal_api") == "openblas" and "AVX-512" in cpu_name()
                    and lib.get("architecture") not in AVX512_OPENBLAS):
                print(f"  NOTE: OpenBLAS ran its {lib.get('architecture')} kernel on an AVX-512 "
                      f"CPU: this OpenBLAS cannot run its fast (AVX-512) kernel here")
    if "libtorch" in peers:
        print(f"  libtorch: OMP_WAIT_POLICY={WAIT_POLICY['libtorch']}: "
              + json.dumps(kernels.get("libtorch")))
        print("  libtorch probe (one step, MKL_VERBOSE/ONEDNN_VERBOSE): "
              + json.dumps(kernels.get("libtorch probe")))

    print()
    head = f"{'shape':<11} {'thr':>3} {'ours tok/s':>11}"
    for p in peers:
        head += f" {p + ' tok/s':>14} {'ours/' + p:>13}"
    head += (f" {'ceiling':>8} {'cached %':>9} {'ours %':>7}"
             + "".join(f" {p + ' %':>10}" for p in peers))
    print(head)
    for name in names:
        layers, d, heads, vocab, ctx, batch, threads = SHAPES[name]
        fpt = flops_per_token(layers, d, vocab, ctx)
        c = statistics.median(ceil[name]) if ceil[name] else float("nan")
        o = statistics.median(tps[name]["ours"])
        line = f"{name:<11} {threads:>3} {o:>11,.0f}"
        for p in peers:
            line += (f" {statistics.median(tps[name][p]):>14,.0f} "
                     f"{statistics.median(ratios[name][p]):>13.2f}")
        line += (f" {c:>8.1f} {100 * statistics.median(cached[name]):>8.0f}%"
                 f" {100 * o * fpt / 1e9 / c:>6.0f}%")
        for p in peers:
            line += f" {100 * statistics.median(tps[name][p]) * fpt / 1e9 / c:>9.0f}%"
        print(line)
    print(f"(medians of {args.rounds} rounds x {args.steps} timed steps; ours/peer = median of the "
          f"per-round ratios; ceiling = median FMA ceiling in GFLOP/s on the shape's threads, "
          f"measured right after each run of ours; % = achieved GFLOP/s over it; cached % = what a "
          f"{CACHED_SIZE}^3 product with its operands in cache, one per thread, reached of that "
          f"ceiling at the same time: the share of the cores the host left to products)")
    for name in names:
        layers, d, heads, vocab, ctx, batch, threads = SHAPES[name]
        fpt = flops_per_token(layers, d, vocab, ctx)
        per_round = [100 * o * fpt / 1e9 / c for o, c in zip(tps[name]["ours"], ceil[name])]
        print(f"{name}: " + "; ".join(
            f"ours/{p} per round " + ", ".join(f"{x:.2f}" for x in ratios[name][p]) for p in peers)
            + "; ours % of the ceiling measured after it " + ", ".join(f"{x:.0f}%" for x in per_round)
            + "; in-cache product " + ", ".join(f"{100 * x:.0f}%" for x in cached[name])
            + "; load before each run " + ", ".join(
                "/".join(f"{loads[name][w][i]:.1f}" for w in who_all) for i in range(args.rounds))
            + f" ({'/'.join(who_all)})")

    print()
    print("By each run's median step rather than its mean (the same runs; the host's slow steps "
          "weigh less, for every runner alike):")
    for name in names:
        layers, d, heads, vocab, ctx, batch, threads = SHAPES[name]
        fpt = flops_per_token(layers, d, vocab, ctx)
        c = statistics.median(ceil[name]) if ceil[name] else float("nan")
        o = statistics.median(tps_med[name]["ours"])
        print(f"  {name}: ours {o:,.0f} tok/s, {100 * o * fpt / 1e9 / c:.0f}% of the ceiling"
              + "".join(f"; ours/{p} {statistics.median(ratios_med[name][p]):.2f} (per round "
                        + ", ".join(f"{x:.2f}" for x in ratios_med[name][p]) + f"), {p} "
                        f"{100 * statistics.median(tps_med[name][p]) * fpt / 1e9 / c:.0f}%"
                        for p in peers))
    for label, by_tps, by_ratios in (("mean", tps, ratios), ("median step", tps_med, ratios_med)):
        print()
        print(f"Goals by each run's {label} (median of the per-round ratios; % of the median "
              f"ceiling):")
        goal_lines(names, peers, by_tps, by_ratios, ceil, cached)

    print()
    print(f"{'shape':<11} {'scoring x training':>19} {'peak MiB':>9} {'runtime MiB':>12} "
          f"{'need MiB':>9} {'peak/need':>10} {'(peak-runtime)/need':>20} {'heap MiB':>9} "
          f"{'heap/need':>10} {'live MiB':>9} {'(live-runtime)/need':>20} {'alloc KiB/step':>15}")
    for name in names:
        e = extra[name]
        peak, need = statistics.median(e["peak_rss_mib"]), statistics.median(e["need_mib"])
        runtime = statistics.median(e["runtime_rss_mib"])
        heap = statistics.median(e["heap_peak_mib"])
        live = statistics.median(e["live_heap_mib"])
        live_runtime = statistics.median(e["runtime_live_heap_mib"])
        print(f"{name:<11} {statistics.median(e['score_vs_train']):>19.2f} {peak:>9.0f} "
              f"{runtime:>12.0f} {need:>9.0f} {peak / need:>10.2f} {(peak - runtime) / need:>20.2f} "
              f"{heap:>9.0f} {heap / need:>10.2f} {live:>9.0f} {(live - live_runtime) / need:>20.2f} "
              f"{statistics.median(e['allocated_kib_per_step']):>15.1f}")
    print("(ours only, medians of the rounds; runtime = resident before the model was built, the "
          "JVM and its classes; heap = the Java heap's peak, the program's arrays without the "
          "runtime, garbage not yet collected included; live = the heap after a full collection "
          "at the end, what the run keeps from step to step, less what was live before the model "
          "was built in (live-runtime); alloc = heap bytes a timed training step and its scoring "
          "pass allocated, all threads; scoring per round: "
          + "; ".join(f"{n} " + ", ".join(f"{x:.2f}" for x in extra[n]["score_vs_train"])
                      for n in names) + ")")


def goal_lines(names, peers, tps, ratios, ceil, cached):
    """Prints, per shape, whether each goal is met by these tokens/s and ratios."""
    for name in names:
        layers, d, heads, vocab, ctx, batch, threads = SHAPES[name]
        goals = []
        if "pytorch" in peers:
            x = statistics.median(ratios[name]["pytorch"])
            goals.append((f"ours/pytorch {x:.2f} >= {GOAL_PYTORCH}", x >= GOAL_PYTORCH))
        if "libtorch" in peers:
            x = statistics.median(ratios[name]["libtorch"])
            goals.append((f"ours/libtorch {x:.2f} >= {GOAL_LIBTORCH}", x >= GOAL_LIBTORCH))
        if threads == 1:
            for p in peers:
                x = statistics.median(ratios[name][p])
                goals.append((f"ours/{p} {x:.2f} >= {GOAL_TINY} (one thread)", x >= GOAL_TINY))
        elif ceil[name]:
            fpt = flops_per_token(layers, d, vocab, ctx)
            x = statistics.median(tps[name]["ours"]) * fpt / 1e9 / statistics.median(ceil[name])
            goals.append((f"ours {100 * x:.1f}% of the ceiling >= {100 * GOAL_CEILING:.0f}% "
                          f"(the in-cache product: {100 * statistics.median(cached[name]):.0f}%)",
                          x >= GOAL_CEILING))
        print(f"  {name}: " + "; ".join(f"{g} {'met' if ok else 'NOT met'}" for g, ok in goals))


def cpu_name():
    info = Path("/proc/cpuinfo").read_text()
    field = lambda key: next((l.split(":", 1)[1].strip() for l in info.splitlines()
                              if l.startswith(key)), "?")
    avx512 = "avx512f" in field("flags").split()
    return (f"{field('model name')} (family {field('cpu family')} model {field('model')}"
            f"{', AVX-512' if avx512 else ''})")


if __name__ == "__main__":
    main()
