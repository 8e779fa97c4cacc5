/* AVX-512F build of the kernels, chosen at run time by nets.c. */
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx512f,avx512vl,avx2,fma")
#define KSUFFIX _avx512
#define KVEC 16
#define KR 4 /* rows per register block of the fused LSTM step: 16 accumulators + 4 weight vectors of 32 registers (measured: 3, 5, 6 and 8 are slower) */
#include "nets_kern.h"
#else
typedef int nets_kern_avx512_unused;
#endif
