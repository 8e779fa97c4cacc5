/*
 * dwcp_kernels.h - the C ABI of the project's own kernels (issue 5).
 *
 * Two libraries implement it:
 *   libdwcp_cpu.so   - gcc, always built;
 *   libdwcp_cuda.so  - nvcc (CUDA runtime linked statically), or, when CUDA is not built, a stub whose
 *                      probe says why. Both export every dwcp_cuda_* symbol so the JNI glue links either way.
 *
 * The boundary is deliberately narrow: pointers and integers in, an int status out, and on error a few
 * integers in `err` that say where (row, column, ...). Nothing here allocates memory the caller frees,
 * prints, aborts or longjmps; CUDA errors are turned into DWCP_ERR_CUDA with the cudaError_t in err[0].
 *
 * Isolation Forest: the input arrays are exactly io.dwcp.jni.FlatForest's (concatenated trees, absolute
 * child indices, leaf feature == -1, leafValue = depth + c(size), x[f] <= threshold goes left). The
 * kernels return the per-sample SUM of path lengths over trees, added in tree index order in double
 * precision; the caller turns a sum into the score 2^(-(sum / nTrees) / normalizer). Keeping pow() out
 * of native code is what makes C and CUDA bit-identical to the Java reference (glibc pow, CUDA pow and
 * Java's Math.pow may differ in the last ulp).

 */
#ifndef DWCP_KERNELS_H
#define DWCP_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

#define DWCP_OK             0
#define DWCP_ERR_ARG       -1  /* null pointer or size out of range; err[0] = 1-based position of the argument */
#define DWCP_ERR_NAN       -2  /* NaN input; err = {row, column} */
#define DWCP_ERR_NOMEM     -3  /* host or device allocation failed */
#define DWCP_ERR_FOREST    -4  /* forest arrays invalid; err[0] = node index (or tree index, err[1] = 1) */
/* -5 and -6 were the window-packing kernels' (removed, issue 13); not reused. */
#define DWCP_ERR_CUDA      -7  /* CUDA runtime error; err[0] = cudaError_t */
#define DWCP_ERR_NO_CUDA   -8  /* this libdwcp_cuda.so was built without CUDA */
#define DWCP_ERR_CLOSED    -9  /* handle is 0 */

/* Number of ints every `err` argument must have room for. */
#define DWCP_ERR_LEN 4

/* ---- C (libdwcp_cpu.so) ---- */

/* Library version, to check that Java and the .so agree. */
int dwcp_version(void);

/*
 * Sets the process environment variable `name` to `value` unless it is already set (setenv(3) with
 * overwrite 0): 0 on success, -1 on error. For settings native libraries loaded later read with getenv(3),
 * which a JVM cannot set otherwise (TensorFlow's TF_CPP_MIN_LOG_LEVEL). Not thread-safe against concurrent
 * getenv/setenv in other threads: call at start, before such libraries load.
 */
int dwcp_setenv_default(const char *name, const char *value);

/*
 * Points file descriptor 2 (stderr) at /dev/null and returns a duplicate of the old one to restore it with
 * dwcp_stderr_restore (-1 on error, stderr unchanged). For native libraries that print on stderr while they
 * initialise whatever their log settings say (TensorFlow's absl logging before absl::InitializeLog).
 */
int dwcp_stderr_mute(void);
int dwcp_stderr_restore(int saved);

/*
 * Asks the kernel's fair scheduler (EEVDF, Linux 6.12+) for a slice of `slice_ns` for the CALLING thread,
 * keeping its policy and nice value. A thread with a shorter slice than the running one preempts it when it
 * wakes, instead of waiting out the other's slice (0.75-3 ms by default): what a thread on a latency path wants,
 * at no gain in CPU share. No privilege needed. Returns the slice now in force in ns (the kernel clamps to
 * 0.1-100 ms); 0 when this kernel has no per-thread slice (the call is accepted and ignored); -ENOTSUP when
 * the thread's policy is not SCHED_OTHER (left as the operator set it); another -errno on failure.
 */
long long dwcp_sched_slice(unsigned long long slice_ns);

/* setpriority(2) for one thread of this process, by its kernel tid: 0 or -errno. Raising priority (a nice
 * lower than the thread's) needs CAP_SYS_NICE; lowering it does not. */
int dwcp_sched_nice(int tid, int nice);

/* Builds the scoring layout of a forest (see forest.c) and returns an opaque handle in *handle. */
int dwcp_forest_create(int nFeatures, int nTrees, int nNodes, const int *treeStart, const int *feature,
                       const double *threshold, const int *left, const int *right, const double *leafValue,
                       long long *handle, int *err);
/* sums[i] = sum over trees (in index order) of the path length of row i of x ([n][nFeatures], row-major). */
int dwcp_forest_path_sums(long long handle, const double *x, int n, double *sums, int *err);
int dwcp_forest_destroy(long long handle);

/* ---- CUDA (libdwcp_cuda.so) ---- */

/* DWCP_OK when at least one device can be used. Otherwise a status, err[0] = cudaError_t (or 0), and a
 * NUL-terminated reason in msg (at most msgLen bytes). *deviceCount is set in every case. */
int dwcp_cuda_probe(int *deviceCount, int *err, char *msg, int msgLen);
/* Name of device 0, NUL-terminated, and its compute capability as major*10+minor in *cc. */
int dwcp_cuda_device(char *name, int nameLen, int *cc, int *err);
int dwcp_cuda_forest_create(int nFeatures, int nTrees, int nNodes, const int *treeStart, const int *feature,
                            const double *threshold, const int *left, const int *right,
                            const double *leafValue, long long *handle, int *err);
/* Not safe to call concurrently on one handle (it reuses device scratch buffers); the Java side serialises. */
int dwcp_cuda_forest_path_sums(long long handle, const double *x, int n, double *sums, int *err);
int dwcp_cuda_forest_destroy(long long handle);

#define DWCP_VERSION 1

#ifdef __cplusplus
}
#endif

#endif
