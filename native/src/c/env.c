/*
 * env.c - the process environment for native libraries the JVM loads later (see dwcp_kernels.h).
 */
#define _POSIX_C_SOURCE 200112L
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "dwcp_kernels.h"

int dwcp_setenv_default(const char *name, const char *value) {
    if (name == 0 || value == 0) return -1;
    return setenv(name, value, 0) == 0 ? 0 : -1;
}

int dwcp_stderr_mute(void) {
    int saved = dup(2);
    if (saved < 0) return -1;
    int null = open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, 2) < 0) {
        if (null >= 0) close(null);
        close(saved);
        return -1;
    }
    close(null);
    return saved;
}

int dwcp_stderr_restore(int saved) {
    if (saved < 0) return -1;
    int rc = dup2(saved, 2) < 0 ? -1 : 0;
    close(saved);
    return rc;
}
