/*
 * env.c - the process environment for native libraries the JVM loads later (see dwcp_kernels.h).
 */
#define _POSIX_C_SOURCE 200112L
#include <stdlib.h>

#include "dwcp_kernels.h"

int dwcp_setenv_default(const char *name, const char *value) {
    if (name == 0 || value == 0) return -1;
    return setenv(name, value, 0) == 0 ? 0 : -1;
}
