/*
 * dwcp_harness - checks the CUDA kernels against the C ones and times both, with no JVM (issue 5).
 *
 *   target/bin/dwcp_harness [trees rows features reps [sums.out]]      defaults: 100 100000 6 5
 *
 * Builds a random Isolation-Forest-shaped forest (FlatForest arrays, depth <= 8) and random rows, then:
 *   - forest path sums: C vs CUDA must be bit-identical (same double additions in the same order);
 *   - best-of-reps wall time of each, CUDA including host<->device copies;
 *   - with sums.out, the C sums as raw doubles, so two builds (x86-64 and arm64 under qemu) can be compared
 *     byte for byte: the forest contract is bit-identical on every architecture, not only C vs CUDA.
 * Exit status: 0 all equal, 1 a mismatch or a kernel error, 2 CUDA unavailable (the reason is printed).
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dwcp_kernels.h"

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static double urand(void) { /* xorshift64*, [0, 1) */
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return (double) ((rng * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double c_of(double n) {
    if (n <= 1) return 0.0;
    if (n == 2) return 1.0;
    return 2.0 * (log(n - 1.0) + 0.5772156649015329) - 2.0 * (n - 1.0) / n;
}

/* Grows one tree at node index *next; returns its index. */
static int grow(int depth, int size, int nf, int *next, int *feat, double *thr, int *l, int *r, double *lv) {
    int me = (*next)++;
    if (depth >= 8 || size <= 1 || urand() < 0.1) {
        feat[me] = -1; thr[me] = 0; l[me] = -1; r[me] = -1;
        lv[me] = depth + c_of(size);
        return me;
    }
    int ls = 1 + (int) (urand() * (size - 1));
    feat[me] = (int) (urand() * nf);
    thr[me] = urand() * 2 - 1;
    lv[me] = 0;
    l[me] = grow(depth + 1, ls, nf, next, feat, thr, l, r, lv);
    r[me] = grow(depth + 1, size - ls, nf, next, feat, thr, l, r, lv);
    return me;
}

#define CHECK(call) do { int s_ = (call); if (s_ != DWCP_OK) { \
    fprintf(stderr, "%s failed: status %d err {%d,%d,%d}\n", #call, s_, err[0], err[1], err[2]); return 1; } } while (0)

int main(int argc, char **argv) {
    int trees = argc > 1 ? atoi(argv[1]) : 100;
    int rows = argc > 2 ? atoi(argv[2]) : 100000;
    int nf = argc > 3 ? atoi(argv[3]) : 6;
    int reps = argc > 4 ? atoi(argv[4]) : 5;
    int err[DWCP_ERR_LEN] = {0};
    int devices = 0, cc = 0, rep;
    char msg[256], name[256];
    int maxNodes = trees * 511;
    int *treeStart = malloc(sizeof(int) * (trees + 1)), *feat = malloc(sizeof(int) * maxNodes);
    int *l = malloc(sizeof(int) * maxNodes), *r = malloc(sizeof(int) * maxNodes);
    double *thr = malloc(sizeof(double) * maxNodes), *lv = malloc(sizeof(double) * maxNodes);
    double *x = malloc(sizeof(double) * (size_t) rows * nf);
    double *sc = malloc(sizeof(double) * rows), *sg = malloc(sizeof(double) * rows);
    long long hc = 0, hg = 0;
    int next = 0, t, i, mism = 0;
    double best, t0, bestC = 1e30, bestG = 1e30;

    for (t = 0; t < trees; t++) {
        treeStart[t] = next;
        grow(0, 256, nf, &next, feat, thr, l, r, lv);
    }
    treeStart[trees] = next;
    for (i = 0; i < rows * nf; i++) x[i] = urand() * 2.2 - 1.1;
    printf("forest: %d trees, %d nodes, %d features; batch %d rows\n", trees, next, nf, rows);

    int probe = dwcp_cuda_probe(&devices, err, msg, sizeof msg);
    if (probe != DWCP_OK) {
        printf("CUDA unavailable: %s (status %d)\n", msg, probe);
    } else {
        dwcp_cuda_device(name, sizeof name, &cc, err);
        printf("CUDA: %s, compute capability %d.%d (%d device(s))\n", name, cc / 10, cc % 10, devices);
    }

    CHECK(dwcp_forest_create(nf, trees, next, treeStart, feat, thr, l, r, lv, &hc, err));
    for (rep = 0; rep < reps; rep++) {
        t0 = now();
        CHECK(dwcp_forest_path_sums(hc, x, rows, sc, err));
        best = now() - t0;
        if (best < bestC) bestC = best;
    }
    printf("forest C:    best %.3f ms  (%.1f ns/row)\n", bestC * 1e3, bestC * 1e9 / rows);
    if (probe == DWCP_OK) {
        CHECK(dwcp_cuda_forest_create(nf, trees, next, treeStart, feat, thr, l, r, lv, &hg, err));
        for (rep = 0; rep < reps + 1; rep++) { /* first call pays for lazy module load and scratch */
            t0 = now();
            CHECK(dwcp_cuda_forest_path_sums(hg, x, rows, sg, err));
            best = now() - t0;
            if (rep > 0 && best < bestG) bestG = best;
        }
        for (i = 0; i < rows; i++) {
            if (memcmp(&sc[i], &sg[i], sizeof(double)) != 0) {
                if (mism < 5) printf("  row %d: C %.17g CUDA %.17g\n", i, sc[i], sg[i]);
                mism++;
            }
        }
        printf("forest CUDA: best %.3f ms  (%.1f ns/row), %.1fx C; %d of %d rows differ from C\n", bestG * 1e3,
               bestG * 1e9 / rows, bestC / bestG, mism, rows);
        dwcp_cuda_forest_destroy(hg);
    }
    dwcp_forest_destroy(hc);
    if (argc > 5) {
        FILE *f = fopen(argv[5], "wb");
        if (f == NULL || fwrite(sc, sizeof(double), (size_t) rows, f) != (size_t) rows || fclose(f) != 0) {
            fprintf(stderr, "cannot write %s\n", argv[5]);
            return 1;
        }
    }

    if (probe != DWCP_OK) return 2;
    return mism ? 1 : 0;
}
