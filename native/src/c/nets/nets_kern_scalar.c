/* Portable build of the kernels (also arm64). */
#define KSUFFIX _scalar
#include "nets_kern.h"
