/* Portable build of the kernels (also arm64). */
#define KSUFFIX _scalar
#define KVEC 4
#define KR 2 /* rows per register block of the fused LSTM step: 4*KR accumulators + 4 weight vectors fit the register file */
#include "nets_kern.h"
