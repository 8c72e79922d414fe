#!/usr/bin/python3
"""Our GEMM against OpenBLAS and MKL, alternately, on the training-step shapes; medians of rounds.

Each round runs, for 1 and then 2 threads, the JMH GemmBenchmark (bench/jmh.sh), OpenBLAS through
NumPy (bench/blas_gemm.py, its kernel printed) and MKL through libtorch (bench/libtorch/run.sh
--gemm, with its AVX-512 kernels), then the FMA ceiling; at the end it prints per shape and thread
count the median GFLOP/s of each, the median of the per-round ratios (ours over each peer), and
the ceiling.
    bench/compare_gemm.py --rounds 3 [--peer openblas|mkl]... [--shape MxNxK:XY]...
"""
import argparse
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
# JMH's report ("GemmBenchmark.gemm SHAPE THREADS GFLOP/s VALUE") and the peers' ("SHAPE THREADS VALUE")
ROW = re.compile(r"^(?:GemmBenchmark\.gemm\s+)?(\d+x\d+x\d+:[NT]{2})\s+(\d+)\s+(?:GFLOP/s\s+)?([\d.]+)")
PEERS = {"openblas": "OpenBLAS", "mkl": "MKL"}
CEIL = re.compile(r"^FmaCeilingBenchmark\.fma\d\s+(\d+)\s+GFLOP/s\s+([\d.]+)")


def run(cmd):
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--shape", action="append", help="limit to these shapes (repeatable)")
    ap.add_argument("--peer", action="append", choices=PEERS,
                    help="limit to these peers (repeatable; default both)")
    ap.add_argument("--no-fork", action="store_true",
                    help="run JMH in its own JVM (-f 0): less start-up time on a busy machine")
    args = ap.parse_args()
    peers = args.peer or list(PEERS)
    ours, ceiling = defaultdict(list), defaultdict(list)
    theirs, ratio = defaultdict(list), defaultdict(list)  # keyed (peer, shape, threads)
    jmh = [str(HERE / "jmh.sh"), "-wi", "2", "-i", "3", "-w", "1", "-r", "1"]
    jmh += ["-f", "0"] if args.no_fork else []
    shape_jmh = ["-p", "shape=" + ",".join(args.shape)] if args.shape else []
    shape_peer = ["--shapes", *args.shape] if args.shape else []
    peer_cmd = {"openblas": lambda t: [str(HERE / "blas_gemm.py"), "--threads", str(t)],
                "mkl": lambda t: [str(HERE / "libtorch" / "run.sh"), "--gemm", "--threads", str(t)]}
    for r in range(args.rounds):
        for t in (1, 2):
            mine = {}
            for line in run(jmh + ["GemmBenchmark", "-p", f"threads={t}"] + shape_jmh):
                if m := ROW.match(line):
                    mine[m[1]] = float(m[3])
            got = {}
            for p in peers:
                got[p] = {}
                for line in run(peer_cmd[p](t) + shape_peer):
                    if line.startswith("BLAS"):
                        print(f"round {r + 1}: {line}", flush=True)
                    if m := ROW.match(line):
                        got[p][m[1]] = float(m[3])
            for s in mine:
                print(f"round {r + 1}: {s:18s} {t} thread(s): ours {mine[s]:.1f}, " + ", ".join(
                    f"{PEERS[p]} {got[p][s]:.1f}" for p in peers) + " GFLOP/s", flush=True)
                ours[s, t].append(mine[s])
                for p in peers:
                    theirs[p, s, t].append(got[p][s])
                    ratio[p, s, t].append(mine[s] / got[p][s])
        for line in run(jmh + ["FmaCeiling"]):
            if m := CEIL.match(line):
                ceiling[int(m[1])].append(float(m[2]))
                print(f"round {r + 1}: FMA ceiling {m[1]} thread(s): {m[2]} GFLOP/s", flush=True)
        print(f"round {r + 1} done", file=sys.stderr, flush=True)
    print(f"medians of {args.rounds} alternating rounds, GFLOP/s; ratio = ours over the peer")
    print(f"{'shape':18s} {'threads':>7s} {'ours':>8s}" + "".join(
        f" {PEERS[p]:>9s} {'ratio':>6s}" for p in peers))
    for (s, t) in sorted(ours, key=lambda x: (x[1], x[0])):
        print(f"{s:18s} {t:7d} {statistics.median(ours[s, t]):8.1f}" + "".join(
            f" {statistics.median(theirs[p, s, t]):9.1f} {statistics.median(ratio[p, s, t]):6.2f}"
            for p in peers))
    for t in sorted(ceiling):
        print(f"FMA ceiling, {t} thread(s): {statistics.median(ceiling[t]):.1f} GFLOP/s "
              f"(rounds: {', '.join(f'{x:.0f}' for x in ceiling[t])})")

if __name__ == "__main__":
    main()
