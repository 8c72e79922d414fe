#!/usr/bin/python3
"""OpenBLAS SGEMM (through NumPy) on the shapes of GemmBenchmark, in GFLOP/s.

Run with the system Python, whose NumPy uses the system BLAS (install libopenblas0-pthread,
python3-threadpoolctl); the thread count is set through OPENBLAS_NUM_THREADS before NumPy loads,
and OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from the environment first (some machines
set them for older OpenBLAS builds; they hold it to the kernel they name). The kernel OpenBLAS
then chose is printed on the first line. E.g.
    bench/blas_gemm.py --threads 1
A shape "MxNxK:XY" is C[M,N] = op(A) op(B) with X, Y = N (as stored) or T (transposed).
"""
import argparse
import os
import sys
import time

# GemmBenchmark's: a 4 x 256 x 8192 training step's products (the head's in chunks of 1024 rows)
SHAPES = ["4096x256x256:NT", "4096x1024x256:NT", "4096x256x1024:NT", "1024x8192x256:NT",
          "1024x256x8192:NN", "4096x256x1024:NN", "256x256x4096:TN", "1024x256x4096:TN",
          "256x1024x4096:TN", "8192x256x1024:TN"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=2.0, help="timed seconds per shape")
    ap.add_argument("--shapes", nargs="*", default=SHAPES)
    args = ap.parse_args()
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    for pin in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        os.environ.pop(pin, None)
    import numpy as np  # after the environment is set
    from threadpoolctl import threadpool_info

    blas = [(i.get("internal_api"), i.get("version"), i.get("architecture"), i.get("num_threads"))
            for i in threadpool_info() if i.get("user_api") == "blas"]
    print(f"BLAS (library, version, kernel, threads): {blas}")

    rng = np.random.default_rng(1)
    print(f"{'shape':20s} {'threads':>8s} {'GFLOP/s':>10s}  (median of timed calls)")
    for shape in args.shapes:
        dims, trans = shape.split(":")
        m, n, k = (int(x) for x in dims.split("x"))
        a = rng.random((k, m) if trans[0] == "T" else (m, k), dtype=np.float32)
        b = rng.random((n, k) if trans[1] == "T" else (k, n), dtype=np.float32)
        a = a.T if trans[0] == "T" else a
        b = b.T if trans[1] == "T" else b
        c = np.empty((m, n), dtype=np.float32)
        for _ in range(3):
            np.matmul(a, b, out=c)
        times = []
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds or len(times) < 5:
            t = time.perf_counter()
            np.matmul(a, b, out=c)
            times.append(time.perf_counter() - t)
        times.sort()
        gflops = 2.0 * m * n * k / times[len(times) // 2] / 1e9
        print(f"{shape:20s} {args.threads:8d} {gflops:10.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
