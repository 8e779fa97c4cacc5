/*
 * Smoke and cross-ISA check of libdwcp_nets without a JVM (issue 16). For each network kind (and sizes below) it
 * builds a net with random parameters, runs a batch of 77 random rows (three tiles, the last partial) and checks:
 * outputs are finite, each row equals the row run alone (tiling), a NaN input is refused with its
 * position. Outputs are written to OUT; with REF, compared with a run of another instruction set
 * (e.g. DWCP_NETS_ISA=scalar), max |diff| <= 1e-4.
 *   nets_harness [OUT [REF]]        exit 0 = ok, 1 = failure
 */
#include "dwcp_nets.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static float urand(float a) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return a * (2.0f * (float)((rng >> 40) & 0xFFFFFF) / 16777216.0f - 1.0f);
}

#define BATCH 77

/* The default models' sizes, then LSTM widths that are not a multiple of the AVX-512/AVX2 vector (20, 12: the
 * vector builds fall back to GEMM + cell there while the portable one runs the fused step) or of any (6), and a
 * two-layer BiLSTM. */
static const struct { int kind; int dims[8]; } cases[] = {
    {1, {32}}, {2, {6, 64, 5}}, {3, {30, 12, 32, 16, 16}}, {4, {60, 5, 16, 1, 16, 32, 30, 3}},
    {1, {20}}, {1, {6}}, {3, {30, 12, 20, 16, 16}}, {4, {60, 5, 12, 2, 16, 32, 30, 3}},
};

int main(int argc, char **argv) {
    static const int nd[5] = {0, 1, 3, 5, 8};
    static const char *names[5] = {"", "forecaster", "policy", "autoencoder", "degradation"};
    FILE *out = argc > 1 ? fopen(argv[1], "wb") : NULL;
    FILE *ref = argc > 2 ? fopen(argv[2], "rb") : NULL;
    if ((argc > 1 && !out) || (argc > 2 && !ref)) { perror("open"); return 1; }
    int fail = 0;
    printf("nets_harness: libdwcp_nets version %d, isa %d\n", dwcp_nets_version(), dwcp_nets_isa());
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const int kind = cases[ci].kind, *d = cases[ci].dims;
        long long np = dwcp_net_param_count(kind, d, nd[kind]);
        float *p = malloc((size_t)np * sizeof(float));
        for (long long i = 0; i < np; i++) p[i] = urand(0.4f);
        long long h;
        int err[2];
        int st = dwcp_net_create(kind, d, nd[kind], p, np, &h, err);
        if (st) { printf("%s: create failed %d\n", names[kind], st); return 1; }
        int io[4];
        dwcp_net_io_sizes(h, io);
        long long ns = dwcp_net_scratch_floats(h);
        float *s = malloc((size_t)ns * sizeof(float));
        float *x = malloc(sizeof(float) * BATCH * io[0]);
        for (int i = 0; i < BATCH * io[0]; i++) x[i] = urand(2.0f);
        float *o[3], *o1[3];
        for (int k = 0; k < 3; k++) {
            o[k] = calloc((size_t)BATCH * (io[k + 1] ? io[k + 1] : 1), sizeof(float));
            o1[k] = calloc((size_t)(io[k + 1] ? io[k + 1] : 1), sizeof(float));
        }
        st = dwcp_net_forward(h, x, BATCH, o[0], io[2] ? o[1] : NULL, io[3] ? o[2] : NULL, s, ns, err);
        if (st) { printf("%s: forward failed %d\n", names[kind], st); return 1; }
        double maxrow = 0;
        for (int r = 0; r < BATCH; r++) {
            dwcp_net_forward(h, x + (long)r * io[0], 1, o1[0], io[2] ? o1[1] : NULL, io[3] ? o1[2] : NULL, s, ns, err);
            for (int k = 0; k < 3; k++)
                for (int j = 0; j < io[k + 1]; j++) {
                    float a = o[k][(long)r * io[k + 1] + j], b = o1[k][j];
                    if (!isfinite(a)) { printf("%s: non-finite output\n", names[kind]); fail = 1; }
                    if (fabs(a - b) > maxrow) maxrow = fabs(a - b);
                }
        }
        if (maxrow > 1e-6) { printf("%s: batch vs single row differ by %g\n", names[kind], maxrow); fail = 1; }
        double maxref = 0;
        for (int k = 0; k < 3; k++) {
            size_t n = (size_t)BATCH * io[k + 1];
            if (!n) continue;
            if (out) fwrite(o[k], sizeof(float), n, out);
            if (ref) {
                float *rb = malloc(n * sizeof(float));
                if (fread(rb, sizeof(float), n, ref) != n) { printf("short reference\n"); return 1; }
                for (size_t i = 0; i < n; i++) if (fabs(rb[i] - o[k][i]) > maxref) maxref = fabs(rb[i] - o[k][i]);
                free(rb);
            }
        }
        if (maxref > 1e-4) fail = 1;
        x[5 * io[0] + 3] = NAN;
        st = dwcp_net_forward(h, x, BATCH, o[0], o[1], o[2], s, ns, err);
        if (st != DWCP_NETS_ENAN || err[0] != 5 || err[1] != 3) { printf("%s: NaN not refused (%d)\n", names[kind], st); fail = 1; }
        if (dwcp_net_forward(h, x, BATCH, o[0], o[1], o[2], s, ns - 1, err) != DWCP_NETS_ESCRATCH) fail = 1;
        printf("%-12s H %2d params %6lld scratch %7lld floats, batch-vs-row max diff %.2g", names[kind],
               kind == 1 ? d[0] : kind == 2 ? d[1] : d[2], np, ns, maxrow);
        if (ref) printf(", vs reference max diff %.2g", maxref);
        printf("\n");
        dwcp_net_destroy(h);
        for (int k = 0; k < 3; k++) { free(o[k]); free(o1[k]); }
        free(x); free(s); free(p);
    }
    if (out) fclose(out);
    if (ref) fclose(ref);
    printf(fail ? "nets_harness: FAIL\n" : "nets_harness: ok\n");
    return fail;
}
