/* AVX-512F build of the kernels, chosen at run time by nets.c. */
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx512f,avx512vl,avx2,fma")
#define KSUFFIX _avx512
#define KVEC 16
#define KR 4 /* rows per register block of the fused LSTM step: 4*KR accumulators + 4 weight vectors fit the register file */
#include "nets_kern.h"
#else
typedef int nets_kern_avx512_unused;
#endif
