/*
 * MKL picks its kernels by CPU vendor before instruction set: on a CPU it does not take for an
 * Intel one (AMD's) it runs its generic "def" kernels, whatever the CPU supports. libtorch links
 * MKL statically but exports mkl_serv_intel_cpu_true and calls it through the PLT, so this
 * definition, preloaded by run.sh, is the one called: MKL then dispatches on the instruction
 * sets alone and runs its AVX-512 kernels on Zen 4 and Zen 5, as on an Intel CPU with them.
 * With MKL_VERBOSE set it says once, on stderr, that it answered (bench/compare.py's probe
 * reads that line).
 */
#include <stdio.h>
#include <stdlib.h>

int mkl_serv_intel_cpu_true(void) {
  static int told;
  if (!told) {
    told = 1;
    const char *verbose = getenv("MKL_VERBOSE");
    if (verbose != NULL && *verbose != '\0' && *verbose != '0') {
      fprintf(stderr, "mkl_intel_cpu: MKL's vendor check answered by the preloaded shim\n");
    }
  }
  return 1;
}
