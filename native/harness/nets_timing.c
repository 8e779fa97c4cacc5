/*
 * C-only timing of libdwcp_nets (issue 16, jni/BENCHMARKS.md): one network kind with fixed pseudo-random
 * parameters at the default models' sizes, best of REPS calls at BATCH rows. No JVM, one thread.
 *   nets_timing KIND(1 forecaster, 2 policy, 3 autoencoder, 4 degradation) BATCH REPS
 * DWCP_NETS_ISA=scalar|avx2 caps the instruction set.
 */
#define _POSIX_C_SOURCE 199309L
#include "dwcp_nets.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: nets_timing KIND BATCH REPS\n"); return 2; }
  int kind = atoi(argv[1]), batch = atoi(argv[2]), reps = atoi(argv[3]);
  static const int dims[5][8] = {{0}, {32}, {6, 64, 5}, {30, 12, 32, 16, 16}, {60, 5, 16, 1, 16, 32, 30, 3}};
  static const int nd[5] = {0, 1, 3, 5, 8};
  long long np = dwcp_net_param_count(kind, dims[kind], nd[kind]);
  float *p = malloc(np * 4); for (long long i = 0; i < np; i++) p[i] = (float)((i * 7919 % 1000) / 1000.0 - 0.5) * 0.3f;
  long long h; int err[2]; dwcp_net_create(kind, dims[kind], nd[kind], p, np, &h, err);
  int io[4]; dwcp_net_io_sizes(h, io);
  float *x = malloc(sizeof(float) * batch * io[0]); for (int i = 0; i < batch * io[0]; i++) x[i] = (float)((i * 31 % 100) / 50.0 - 1);
  float *o0 = malloc(4L * batch * io[1]), *o1 = io[2] ? malloc(4L * batch * io[2]) : 0, *o2 = io[3] ? malloc(4L * batch * io[3]) : 0;
  long long ns = dwcp_net_scratch_floats(h); float *s = malloc(ns * 4);
  struct timespec a, b; double best = 1e30;
  for (int r = 0; r < reps; r++) {
    clock_gettime(CLOCK_MONOTONIC, &a);
    dwcp_net_forward(h, x, batch, o0, o1, o2, s, ns, err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3; if (us < best) best = us;
  }
  printf("isa %d kind %d batch %d best %.1f us (%.2f us/inference)\n", dwcp_nets_isa(), kind, batch, best, best / batch);
  return 0;
}
