/* Portable build of the kernels (also arm64). */
#define KSUFFIX _scalar
#define KVEC 4
#define KR 4 /* rows per register block of the fused LSTM step (measured on x86-64 SSE2 a little faster than 2 despite spills; arm64 has 32 vector registers) */
#include "nets_kern.h"
