/*
 * dwcp_cuda.cu - the CUDA kernels of issue 5, same contract as the C ones (dwcp_kernels.h).
 *
 * Forest: one thread per sample walks every tree in index order, accumulating in double, so its sum is
 * the C kernel's bit for bit (the only arithmetic is IEEE double addition in the same order). Trees are
 * staged in shared memory in tiles of whole trees (TILE_NODES x 16 bytes = 32 KB, under the 48 KB every
 * sm_75+ part gives a block by default); a tree larger than a tile is walked from global memory through
 * the read-only cache. Nodes use the layout of dwcp_layout.h (the same code builds it for C).
 *
 * Errors never cross the boundary raw: every CUDA call is checked and mapped to DWCP_ERR_CUDA with the
 * cudaError_t in err[0]. The library links the CUDA runtime statically (-cudart static), so it loads on a
 * host with no toolkit; with no driver, the first runtime call fails cleanly (cudaErrorInsufficientDriver,
 * 35) and dwcp_cuda_probe reports it.
 */
#include <cuda_runtime.h>
#include <stdio.h>
#include "../c/dwcp_layout.h"

#define TILE_NODES 2048
#define THREADS 256

#define CK(call)                                                   \
    do {                                                           \
        cudaError_t e_ = (call);                                   \
        if (e_ != cudaSuccess) {                                   \
            if (err) err[0] = (int) e_;                            \
            status = DWCP_ERR_CUDA;                                \
            goto done;                                             \
        }                                                          \
    } while (0)

__global__ void dwcp_forest_kernel(const dwcp_node *__restrict__ nodes, const double *__restrict__ leaf,
                                   const int *__restrict__ treeStart, const int *__restrict__ depth,
                                   const int *__restrict__ tiles, int nTiles, const double *__restrict__ x,
                                   int n, int nf, double *__restrict__ sums, unsigned long long *nanAt) {
    extern __shared__ dwcp_node sh[];
    const int r = blockIdx.x * blockDim.x + threadIdx.x;
    const bool active = r < n;
    const double *xr = x + (size_t) (active ? r : 0) * nf;
    double sum = 0.0;
    if (active) {
        for (int f = 0; f < nf; f++) {
            if (isnan(xr[f])) {
                atomicMin(nanAt, (unsigned long long) r * nf + f);
                break;
            }
        }
    }
    for (int k = 0; k < nTiles; k++) {
        const int tLo = tiles[2 * k], tHi = tiles[2 * k + 1];
        const int base = treeStart[tLo], cnt = treeStart[tHi] - base;
        const bool inShared = cnt <= TILE_NODES; /* same for every thread of the block */
        if (inShared) {
            __syncthreads(); /* nobody still reads the previous tile */
            for (int j = threadIdx.x; j < cnt; j += blockDim.x) sh[j] = nodes[base + j];
            __syncthreads();
        }
        if (active) {
            for (int t = tLo; t < tHi; t++) {
                const int s = treeStart[t];
                const dwcp_node *T = inShared ? sh + (s - base) : nodes + s;
                const int D = depth[t];
                int i = 0;
                for (int d = 0; d < D; d++) {
                    const dwcp_node nd = T[i];
                    i = nd.left + (__ldg(xr + nd.f) > nd.thr);
                }
                sum += __ldg(leaf + s + i);
            }
        }
    }
    if (active) sums[r] = sum;
}

extern "C" {

int dwcp_cuda_probe(int *deviceCount, int *err, char *msg, int msgLen) {
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (deviceCount) *deviceCount = e == cudaSuccess ? count : 0;
    if (err) err[0] = (int) e;
    if (e != cudaSuccess) {
        if (msg && msgLen > 0)
            snprintf(msg, (size_t) msgLen, "cudaGetDeviceCount returned %d (%s: %s)", (int) e, cudaGetErrorName(e),
                     cudaGetErrorString(e));
        return DWCP_ERR_CUDA;
    }
    if (count < 1) {
        if (msg && msgLen > 0) snprintf(msg, (size_t) msgLen, "no CUDA device");
        return DWCP_ERR_CUDA;
    }
    /* The device may be older than the oldest architecture in the fat binary (sm_75). */
    cudaFuncAttributes attr;
    e = cudaFuncGetAttributes(&attr, dwcp_forest_kernel);
    if (err) err[0] = (int) e;
    if (e != cudaSuccess) {
        if (msg && msgLen > 0)
            snprintf(msg, (size_t) msgLen, "kernel not loadable on device 0: %d (%s: %s)", (int) e,
                     cudaGetErrorName(e), cudaGetErrorString(e));
        return DWCP_ERR_CUDA;
    }
    if (msg && msgLen > 0) snprintf(msg, (size_t) msgLen, "%d CUDA device(s)", count);
    return DWCP_OK;
}

int dwcp_cuda_device(char *name, int nameLen, int *cc, int *err) {
    cudaDeviceProp p;
    int status = DWCP_OK;
    CK(cudaGetDeviceProperties(&p, 0));
    if (name && nameLen > 0) snprintf(name, (size_t) nameLen, "%s", p.name);
    if (cc) *cc = p.major * 10 + p.minor;
done:
    return status;
}

typedef struct {
    int nFeatures, nTrees, nTiles;
    dwcp_node *dNodes;
    double *dLeaf;
    int *dTreeStart, *dDepth, *dTiles;
    double *dX, *dSums;
    long long capRows;
    unsigned long long *dNan;
} cuda_forest;

static void cuda_forest_free(cuda_forest *F) {
    if (!F) return;
    cudaFree(F->dNodes);
    cudaFree(F->dLeaf);
    cudaFree(F->dTreeStart);
    cudaFree(F->dDepth);
    cudaFree(F->dTiles);
    cudaFree(F->dX);
    cudaFree(F->dSums);
    cudaFree(F->dNan);
    free(F);
}

int dwcp_cuda_forest_create(int nFeatures, int nTrees, int nNodes, const int *treeStart, const int *feature,
                            const double *threshold, const int *left, const int *right,
                            const double *leafValue, long long *handle, int *err) {
    dwcp_layout *L = NULL;
    cuda_forest *F = NULL;
    int *tiles = NULL;
    int status;
    if (err == NULL) return DWCP_ERR_ARG;
    if (handle == NULL) { err[0] = 10; return DWCP_ERR_ARG; }
    *handle = 0;
    status = dwcp_layout_build(nFeatures, nTrees, nNodes, treeStart, feature, threshold, left, right, leafValue,
                               &L, err);
    if (status != DWCP_OK) return status;
    F = (cuda_forest *) calloc(1, sizeof(cuda_forest));
    tiles = (int *) malloc(sizeof(int) * 2 * (size_t) L->nTrees);
    if (!F || !tiles) { status = DWCP_ERR_NOMEM; goto done; }
    F->nFeatures = L->nFeatures;
    F->nTrees = L->nTrees;
    /* Group consecutive whole trees into tiles of at most TILE_NODES nodes; a bigger tree is a tile alone. */
    {
        int t = 0, k = 0;
        while (t < L->nTrees) {
            int lo = t;
            t++;
            while (t < L->nTrees && L->treeStart[t + 1] - L->treeStart[lo] <= TILE_NODES) t++;
            tiles[2 * k] = lo;
            tiles[2 * k + 1] = t;
            k++;
        }
        F->nTiles = k;
    }
    CK(cudaMalloc((void **) &F->dNodes, sizeof(dwcp_node) * (size_t) L->nNodes));
    CK(cudaMalloc((void **) &F->dLeaf, sizeof(double) * (size_t) L->nNodes));
    CK(cudaMalloc((void **) &F->dTreeStart, sizeof(int) * ((size_t) L->nTrees + 1)));
    CK(cudaMalloc((void **) &F->dDepth, sizeof(int) * (size_t) L->nTrees));
    CK(cudaMalloc((void **) &F->dTiles, sizeof(int) * 2 * (size_t) F->nTiles));
    CK(cudaMalloc((void **) &F->dNan, sizeof(unsigned long long)));
    CK(cudaMemcpy(F->dNodes, L->nodes, sizeof(dwcp_node) * (size_t) L->nNodes, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(F->dLeaf, L->leaf, sizeof(double) * (size_t) L->nNodes, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(F->dTreeStart, L->treeStart, sizeof(int) * ((size_t) L->nTrees + 1), cudaMemcpyHostToDevice));
    CK(cudaMemcpy(F->dDepth, L->depth, sizeof(int) * (size_t) L->nTrees, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(F->dTiles, tiles, sizeof(int) * 2 * (size_t) F->nTiles, cudaMemcpyHostToDevice));
done:
    free(tiles);
    dwcp_layout_free(L);
    if (status != DWCP_OK) {
        cuda_forest_free(F);
        return status;
    }
    *handle = (long long) (intptr_t) F;
    return DWCP_OK;
}

int dwcp_cuda_forest_destroy(long long handle) {
    if (handle == 0) return DWCP_ERR_CLOSED;
    cuda_forest_free((cuda_forest *) (intptr_t) handle);
    return DWCP_OK;
}

int dwcp_cuda_forest_path_sums(long long handle, const double *x, int n, double *sums, int *err) {
    cuda_forest *F = (cuda_forest *) (intptr_t) handle;
    unsigned long long nanAt = ~0ULL;
    int status = DWCP_OK;
    if (err == NULL) return DWCP_ERR_ARG;
    if (handle == 0) return DWCP_ERR_CLOSED;
    if (n < 0) { err[0] = 3; return DWCP_ERR_ARG; }
    if (n == 0) return DWCP_OK;
    if (x == NULL) { err[0] = 2; return DWCP_ERR_ARG; }
    if (sums == NULL) { err[0] = 4; return DWCP_ERR_ARG; }
    if (n > F->capRows) { /* grow the scratch buffers; kept between calls, freed with the forest */
        cudaFree(F->dX);
        cudaFree(F->dSums);
        F->dX = NULL;
        F->dSums = NULL;
        F->capRows = 0;
        CK(cudaMalloc((void **) &F->dX, sizeof(double) * (size_t) n * F->nFeatures));
        CK(cudaMalloc((void **) &F->dSums, sizeof(double) * (size_t) n));
        F->capRows = n;
    }
    CK(cudaMemcpy(F->dX, x, sizeof(double) * (size_t) n * F->nFeatures, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(F->dNan, &nanAt, sizeof nanAt, cudaMemcpyHostToDevice));
    dwcp_forest_kernel<<<(n + THREADS - 1) / THREADS, THREADS, TILE_NODES * sizeof(dwcp_node)>>>(
        F->dNodes, F->dLeaf, F->dTreeStart, F->dDepth, F->dTiles, F->nTiles, F->dX, n, F->nFeatures, F->dSums,
        F->dNan);
    CK(cudaGetLastError());
    CK(cudaMemcpy(&nanAt, F->dNan, sizeof nanAt, cudaMemcpyDeviceToHost));
    if (nanAt != ~0ULL) {
        err[0] = (int) (nanAt / F->nFeatures);
        err[1] = (int) (nanAt % F->nFeatures);
        return DWCP_ERR_NAN;
    }
    CK(cudaMemcpy(sums, F->dSums, sizeof(double) * (size_t) n, cudaMemcpyDeviceToHost));
done:
    return status;
}

} /* extern "C" */
