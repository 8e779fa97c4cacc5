/* AVX2 + FMA build of the kernels, chosen at run time by nets.c. */
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx2,fma")
#define KSUFFIX _avx2
#define KVEC 8
#include "nets_kern.h"
#else
typedef int nets_kern_avx2_unused;
#endif
