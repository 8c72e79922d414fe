#!/usr/bin/env bash
# The libtorch peer: builds bench/libtorch (offline, from the local Maven repository) when a
# source is newer than its classes, then trains; arguments go to peer.LibtorchOlmo, for example
#   bench/libtorch/run.sh --layers 4 --d-model 256 --heads 4 --vocab 8192 --context 256 \
#       --batch 16 --threads 2 --steps 10
# or, after --gemm, to peer.LibtorchGemm, which times MKL's SGEMM alone on GEMM shapes:
#   bench/libtorch/run.sh --gemm --threads 2 --shapes 4096x256x256:NT 256x256x4096:TN
# The first build needs the DJL artifacts in ~/.m2: `mvn -B -f bench/libtorch/pom.xml compile`
# (without -o) fetches them once. At run time nothing is downloaded: DJL's offline mode is on,
# libtorch comes out of the pytorch-native-cpu jar into target/djl-cache, and the JVM runs in
# a network namespace of its own (no interface but loopback) where unshare allows one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
classes="$here/target/classes/peer/LibtorchOlmo.class"
if [[ ! -f "$classes" || ! -f "$here/target/classpath.txt" \
      || -n "$(find "$here/src" "$here/pom.xml" -newer "$classes" -print -quit)" ]]; then
  mvn -B -q -o -f "$here/pom.xml" compile >&2
fi
main=peer.LibtorchOlmo
if [[ ${1:-} == --gemm ]]; then
  main=peer.LibtorchGemm
  shift
fi
threads=2
args=("$@")
for ((i = 0; i < ${#args[@]} - 1; i++)); do
  [[ "${args[i]}" == --threads ]] && threads="${args[i + 1]}"
done
# libtorch's OpenMP and MKL pools sized to the run's threads, spinning between operators
# (OMP_WAIT_POLICY=ACTIVE), its faster way: the Python peer's threads run fastest sleeping,
# these do not (bench/HISTORY.md, "2026-12-05, morning")
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-ACTIVE}"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true ENGINE_CACHE_DIR="$here/target/djl-cache"
# MKL checks the CPU's vendor before its instruction sets and runs its generic kernels on AMD
# (perf shows mkl_blas_def_sgemm_kernel_0_zen); mkl_intel_cpu.c answers that check, so MKL runs
# its AVX-512 kernels there as it would on an Intel CPU with AVX-512. LIBTORCH_MKL_SHIM=0 runs
# MKL as shipped.
if [[ ${LIBTORCH_MKL_SHIM:-1} != 0 ]]; then
  shim="$here/target/libmkl_intel_cpu.so"
  if [[ ! -f "$shim" || "$here/mkl_intel_cpu.c" -nt "$shim" ]]; then
    mkdir -p "$here/target"
    gcc -O2 -shared -fPIC -o "$shim" "$here/mkl_intel_cpu.c"
  fi
  export LD_PRELOAD="$shim${LD_PRELOAD:+:$LD_PRELOAD}"
fi
cmd=(java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -DENGINE_CACHE_DIR="$here/target/djl-cache"
     -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" "$main" "$@")
if unshare --net true 2>/dev/null; then
  exec unshare --net "${cmd[@]}"
fi
echo "run.sh: no network namespace here (unshare --net refused); DJL's offline mode alone keeps it off the network" >&2
exec "${cmd[@]}"
