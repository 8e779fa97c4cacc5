/*
 * cuda_stub.c - libdwcp_cuda.so for builds without CUDA (nvcc absent, or -Ddwcp.cuda=false).
 * It exports every dwcp_cuda_* symbol so the JNI glue links and loads the same way in every build, and
 * its probe says why there is no CUDA path instead of failing to load.
 */
#include <stdio.h>
#include "dwcp_kernels.h"

#ifndef DWCP_STUB_REASON
#define DWCP_STUB_REASON "CUDA kernels not built"
#endif

int dwcp_cuda_probe(int *deviceCount, int *err, char *msg, int msgLen) {
    if (deviceCount) *deviceCount = 0;
    if (err) err[0] = 0;
    if (msg && msgLen > 0) snprintf(msg, (size_t) msgLen, "%s", DWCP_STUB_REASON);
    return DWCP_ERR_NO_CUDA;
}

int dwcp_cuda_device(char *name, int nameLen, int *cc, int *err) {
    if (name && nameLen > 0) name[0] = 0;
    if (cc) *cc = 0;
    if (err) err[0] = 0;
    return DWCP_ERR_NO_CUDA;
}

int dwcp_cuda_forest_create(int nFeatures, int nTrees, int nNodes, const int *treeStart, const int *feature,
                            const double *threshold, const int *left, const int *right,
                            const double *leafValue, long long *handle, int *err) {
    (void) nFeatures; (void) nTrees; (void) nNodes; (void) treeStart; (void) feature; (void) threshold;
    (void) left; (void) right; (void) leafValue; (void) err;
    if (handle) *handle = 0;
    return DWCP_ERR_NO_CUDA;
}

int dwcp_cuda_forest_path_sums(long long handle, const double *x, int n, double *sums, int *err) {
    (void) handle; (void) x; (void) n; (void) sums; (void) err;
    return DWCP_ERR_NO_CUDA;
}

int dwcp_cuda_forest_destroy(long long handle) {
    (void) handle;
    return DWCP_ERR_NO_CUDA;
}
