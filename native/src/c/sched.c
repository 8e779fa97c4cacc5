/*
 * sched.c - per-thread scheduling requests for the agent's latency path (see dwcp_kernels.h).
 *
 * The JVM has no API for either: Thread.setPriority is a no-op on Linux by default, and EEVDF's slice is
 * newer than any JDK. Both act on one thread (Linux: a thread is a task; tid 0 means the caller).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dwcp_kernels.h"

/* struct sched_attr, SCHED_ATTR_SIZE_VER0: glibc before 2.41 declares neither it nor sched_setattr(2). */
struct dwcp_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

long long dwcp_sched_slice(unsigned long long slice_ns) {
#if defined(__linux__) && defined(SYS_sched_setattr) && defined(SYS_sched_getattr)
    struct dwcp_sched_attr a;
    memset(&a, 0, sizeof a);
    if (syscall(SYS_sched_getattr, 0, &a, (unsigned) sizeof a, 0) != 0) return -errno;
    /* An operator's policy (CPUSchedulingPolicy=idle, batch or a real-time one) stays as they set it. */
    if (a.sched_policy != SCHED_OTHER) return -ENOTSUP;
    struct dwcp_sched_attr want;
    memset(&want, 0, sizeof want);
    want.size = sizeof want;
    want.sched_policy = SCHED_OTHER;
    want.sched_nice = a.sched_nice; /* sched_setattr sets the nice value too: keep the thread's own */
    want.sched_runtime = slice_ns;
    if (syscall(SYS_sched_setattr, 0, &want, 0) != 0) return -errno;
    /* Linux 6.12+ reports a fair thread's slice here; older kernels accept the call, ignore the runtime and
     * report 0, which tells the caller nothing changed. */
    memset(&a, 0, sizeof a);
    if (syscall(SYS_sched_getattr, 0, &a, (unsigned) sizeof a, 0) != 0) return -errno;
    return (long long) a.sched_runtime;
#else
    (void) slice_ns;
    return -ENOSYS;
#endif
}

int dwcp_sched_nice(int tid, int nice) {
    if (tid <= 0) return -EINVAL;
    errno = 0;
    return setpriority(PRIO_PROCESS, (id_t) tid, nice) == 0 ? 0 : -errno;
}
