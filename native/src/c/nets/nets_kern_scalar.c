/* Portable build of the kernels (also arm64). */
#define KSUFFIX _scalar
#define KVEC 4
#include "nets_kern.h"
