#!/usr/bin/python3
"""Training tokens/s of overtrain against the PyTorch OLMo peer, alternately, per shape.

Each round runs, for every shape, `overtrain bench train --json` and bench/peer_olmo.py with the
same layers, width, heads, SwiGLU width (4 x d for both), vocabulary, context, batch and thread
count, one after the other, then the FMA ceiling (JMH FmaCeilingBenchmark on 1 and 2 threads).
At the end it prints per shape: the median tokens/s of each, the median of the per-round
ratios, the achieved GFLOP/s (engine-notes formula: 6 x non-embedding params + 6 x vocab x d
+ 12 x layers x d x context per token) and its fraction of the ceiling measured in the same
run for the shape's thread count; then, for ours, forward-only scoring against training (median
of the per-step ratios, `bench train` interleaves the two) and the peak resident memory against
what weights, gradients, Adam moments and one step's activations need, with what was resident
before the model was built (the JVM and its classes), the Java heap's peak (the program's
arrays, without the runtime's code and compiler memory), what the heap holds after a full
collection at the end (what the run keeps from step to step), and the bytes a timed step
allocated.
The machine is shared:
only these side-by-side figures mean anything, and the per-round values are printed so the
spread is visible.

    bench/compare.py                       # every shape, 3 rounds (about 15 min on a shared 2-core machine)
    bench/compare.py --rounds 5 --shape 4x256x8192
    bench/compare.py --rounds 1 --steps 2  # a quick look
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CEIL = re.compile(r"^FmaCeilingBenchmark\.fma\d\s+(\d+)\s+GFLOP/s\s+([\d.]+)")

# name -> (layers, d_model, heads, vocab, context, batch, threads): the shapes of issue 6
SHAPES = {
    "2x128x4096": (2, 128, 2, 4096, 256, 16, 2),
    "4x256x8192": (4, 256, 4, 8192, 256, 16, 2),
    "8x512x8192": (8, 512, 8, 8192, 256, 16, 2),
    "tiny-1t": (2, 32, 2, 4096, 128, 32, 1),
}


def flops_per_token(layers, d, vocab, context):
    ff = 4 * d
    return 6 * layers * (4 * d * d + 3 * d * ff) + 6 * vocab * d + 12 * layers * d * context


def run_json(cmd, env=None):
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def ours(shape, steps, warmup):
    layers, d, heads, vocab, ctx, batch, threads = shape
    env = dict(os.environ)
    env["OVERTRAIN_JAVA_OPTS"] = (env.get("OVERTRAIN_JAVA_OPTS", "")
                                  + f" -Dovertrain.threads={threads}").strip()
    return run_json([str(ROOT / "overtrain"), "bench", "train", "--json",
                     "--layers", str(layers), "--d-model", str(d), "--heads", str(heads),
                     "--vocab", str(vocab), "--context", str(ctx), "--batch", str(batch),
                     "--steps", str(steps), "--warmup-steps", str(warmup)], env)


def peer(shape, steps, warmup):
    layers, d, heads, vocab, ctx, batch, threads = shape
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    return run_json(["/usr/bin/python3", str(HERE / "peer_olmo.py"),
                     "--layers", str(layers), "--d-model", str(d), "--heads", str(heads),
                     "--vocab", str(vocab), "--context", str(ctx), "--batch", str(batch),
                     "--threads", str(threads), "--steps", str(steps), "--warmup", str(warmup)],
                    env)


def ceiling():
    cmd = [str(HERE / "jmh.sh"), "FmaCeiling", "-wi", "1", "-i", "3", "-w", "1", "-r", "1"]
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        m = CEIL.match(line)
        if m:
            found[int(m[1])] = float(m[2])
    if not found:
        sys.exit("compare.py: no FMA ceiling in the output of " + " ".join(cmd) + ":\n" + out)
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    ap.add_argument("--steps", type=int, default=4, help="timed steps per run (default 4)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps per run (default 2)")
    ap.add_argument("--shape", action="append", choices=sorted(SHAPES),
                    help="limit to these shapes (repeatable; default all)")
    args = ap.parse_args()
    names = args.shape or list(SHAPES)
    tps = defaultdict(lambda: defaultdict(list))
    ratios = defaultdict(list)
    ceil = defaultdict(list)
    extra = defaultdict(lambda: defaultdict(list))  # ours: scoring speed-up, memory
    for r in range(args.rounds):
        for name in names:
            shape = SHAPES[name]
            # alternate which side goes first, so a load that drifts does not favour one
            order = [("ours", ours), ("peer", peer)]
            if r % 2:
                order.reverse()
            got = {}
            for who, fn in order:
                result = fn(shape, args.steps, args.warmup)
                got[who] = result["tokens_per_s"]
                tps[name][who].append(got[who])
                if who == "ours":
                    for key in ("score_vs_train", "peak_rss_mib", "runtime_rss_mib", "need_mib",
                                "heap_peak_mib", "live_heap_mib", "runtime_live_heap_mib",
                                "allocated_kib_per_step"):
                        extra[name][key].append(result[key])
            ratios[name].append(got["ours"] / got["peer"])
            print(f"round {r + 1} {name}: ours {got['ours']:,.0f} tok/s, peer "
                  f"{got['peer']:,.0f} tok/s, ratio {ratios[name][-1]:.2f}", flush=True)
        for t, g in ceiling().items():
            ceil[t].append(g)
            print(f"round {r + 1}: FMA ceiling {t} thread(s) {g:.1f} GFLOP/s", flush=True)

    print()
    print(f"{'shape':<12} {'thr':>3} {'ours tok/s':>11} {'peer tok/s':>11} {'ratio':>6} "
          f"{'ours GF/s':>9} {'peer GF/s':>9} {'ceiling':>8} {'ours %':>7} {'peer %':>7}")
    for name in names:
        layers, d, heads, vocab, ctx, batch, threads = SHAPES[name]
        fpt = flops_per_token(layers, d, vocab, ctx)
        o = statistics.median(tps[name]["ours"])
        p = statistics.median(tps[name]["peer"])
        c = statistics.median(ceil[threads]) if ceil[threads] else float("nan")
        og, pg = o * fpt / 1e9, p * fpt / 1e9
        print(f"{name:<12} {threads:>3} {o:>11,.0f} {p:>11,.0f} "
              f"{statistics.median(ratios[name]):>6.2f} {og:>9.1f} {pg:>9.1f} {c:>8.1f} "
              f"{100 * og / c:>6.0f}% {100 * pg / c:>6.0f}%")
    print(f"(medians of {args.rounds} rounds x {args.steps} timed steps; ratio = median of "
          f"per-round ours/peer; ceiling = median FMA ceiling for the shape's threads)")
    for name in names:
        layers, d, heads, vocab, ctx, batch, threads = SHAPES[name]
        fpt = flops_per_token(layers, d, vocab, ctx)
        # each round's GFLOP/s over the ceiling measured in that round: a busy round slows both
        per_round = [100 * o * fpt / 1e9 / c for o, c in zip(tps[name]["ours"], ceil[threads])]
        print(f"{name}: ratios per round " + ", ".join(f"{x:.2f}" for x in ratios[name])
              + "; ours % of that round's ceiling " + ", ".join(f"{x:.0f}%" for x in per_round))
    print()
    print(f"{'shape':<12} {'scoring x training':>19} {'peak MiB':>9} {'runtime MiB':>12} "
          f"{'need MiB':>9} {'peak/need':>10} {'(peak-runtime)/need':>20} {'heap MiB':>9} "
          f"{'heap/need':>10} {'live MiB':>9} {'(live-runtime)/need':>20} {'alloc KiB/step':>15}")
    for name in names:
        e = extra[name]
        peak, need = statistics.median(e["peak_rss_mib"]), statistics.median(e["need_mib"])
        runtime = statistics.median(e["runtime_rss_mib"])
        heap = statistics.median(e["heap_peak_mib"])
        live = statistics.median(e["live_heap_mib"])
        live_runtime = statistics.median(e["runtime_live_heap_mib"])
        print(f"{name:<12} {statistics.median(e['score_vs_train']):>19.2f} {peak:>9.0f} "
              f"{runtime:>12.0f} {need:>9.0f} {peak / need:>10.2f} {(peak - runtime) / need:>20.2f} "
              f"{heap:>9.0f} {heap / need:>10.2f} {live:>9.0f} {(live - live_runtime) / need:>20.2f} "
              f"{statistics.median(e['allocated_kib_per_step']):>15.1f}")
    print("(ours only, medians of the rounds; runtime = resident before the model was built, the "
          "JVM and its classes; heap = the Java heap's peak, the program's arrays without the "
          "runtime, garbage not yet collected included; live = the heap after a full collection "
          "at the end, what the run keeps from step to step, less what was live before the model "
          "was built in (live-runtime); alloc = heap bytes a timed training step and its scoring pass allocated, all "
          "threads; scoring per round: "
          + "; ".join(f"{n} " + ", ".join(f"{x:.2f}" for x in extra[n]["score_vs_train"])
                      for n in names) + ")")


if __name__ == "__main__":
    main()
