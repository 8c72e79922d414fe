#!/usr/bin/env bash
# Kernel micro-benchmarks (GEMM on a training step's shapes, the FMA ceiling), reported in
# GFLOP/s, memory passes in GB/s. Arguments go to JMH, e.g.
#   bench/jmh.sh                                  # everything (about 3 minutes per shape set)
#   bench/jmh.sh 'FmaCeiling'                     # only the ceiling
#   bench/jmh.sh Gemm -p threads=1 -p shape=4096x256x1024:NT -wi 2 -i 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# compiled only when a source changed since the last compile here: compare.py calls this after
# every run of ours, and a Maven run that finds nothing to do still costs seconds
stamp="$root/target/jmh.stamp"
if [[ ! -f $stamp ]] || [[ -n "$(find "$root/pom.xml" "$root/src" -newer "$stamp" -print -quit)" ]]; then
  mvn -q -B -o -f "$root/pom.xml" test-compile >&2
  touch "$stamp"
fi
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
cp="$root/target/classes:$root/target/test-classes"
cp+=":$m2/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar"
cp+=":$m2/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar"
cp+=":$m2/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar"
exec java --add-modules jdk.incubator.vector -cp "$cp" overtrain.kernels.bench.KernelReport "$@"
