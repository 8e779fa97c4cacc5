/* AVX2 + FMA build of the kernels, chosen at run time by nets.c. */
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx2,fma")
#define KSUFFIX _avx2
#define KVEC 8
#define KR 3 /* rows per register block of the fused LSTM step: 12 accumulators + 4 weight vectors, 16 registers (measured: 2 and 4 are slower) */
#include "nets_kern.h"
#else
typedef int nets_kern_avx2_unused;
#endif
