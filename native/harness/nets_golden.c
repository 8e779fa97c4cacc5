/*
 * Golden check of libdwcp_nets on real weights files, without a JVM (issue 16): reads each
 * weights.dwcpnet (models/WEIGHTS.md), verifies its CRC32C, builds the net from the parameter tensors in
 * file order (the exporter writes them in kernel order, dwcp_nets.h), runs golden/x and compares every
 * golden output: |golden - got| / max(1, |golden|) <= 1e-4. Used for the arm64 build under qemu-user.
 *   nets_golden FILE...     exit 0 = every file ok, 1 = a failure
 */
#include "dwcp_nets.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc32c(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    }
    return ~c;
}

typedef struct { const unsigned char *p, *end; int bad; } cur;
static uint32_t u32(cur *c) {
    if (c->end - c->p < 4) { c->bad = 1; return 0; }
    uint32_t v = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
    c->p += 4;
    return v;
}
static int u8(cur *c) { if (c->p >= c->end) { c->bad = 1; return 0; } return *c->p++; }
static int str(cur *c, char *out, size_t cap) {
    if (c->end - c->p < 2) { c->bad = 1; return 0; }
    size_t n = (size_t)c->p[0] | (size_t)c->p[1] << 8;
    c->p += 2;
    if ((size_t)(c->end - c->p) < n || n >= cap) { c->bad = 1; return 0; }
    memcpy(out, c->p, n);
    out[n] = 0;
    c->p += n;
    return 1;
}

#define MAXT 256
typedef struct { char name[128]; long long n; long long rows; float *v; } tensor;

static int check(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return 1; }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)len);
    if (!b || fread(b, 1, (size_t)len, f) != (size_t)len) { fclose(f); printf("%s: read failed\n", path); return 1; }
    fclose(f);
    if (len < 16 || memcmp(b, "DWCPNETW", 8) != 0) { printf("%s: bad magic\n", path); return 1; }
    cur c = {b + 8, b + len - 4, 0};
    cur tail = {b + len - 4, b + len, 0};
    if (crc32c(b, (size_t)len - 4) != u32(&tail)) { printf("%s: CRC32C mismatch\n", path); return 1; }
    char kind[64], model[128];
    uint32_t version = u32(&c);
    str(&c, kind, sizeof kind);
    str(&c, model, sizeof model);
    int nd = u8(&c), dims[16];
    for (int i = 0; i < nd && i < 16; i++) dims[i] = (int)u32(&c);
    uint32_t nt = u32(&c);
    if (c.bad || version != 1 || nd > 16 || nt > MAXT) { printf("%s: bad header\n", path); return 1; }
    static const char *kinds[] = {"", "forecaster", "policy", "autoencoder", "degradation"};
    int k = 0;
    for (int i = 1; i <= 4; i++) if (strcmp(kind, kinds[i]) == 0) k = i;
    tensor t[MAXT];
    int nt_ = 0;
    long long nparams = 0;
    for (uint32_t i = 0; i < nt; i++) {
        tensor *x = &t[nt_++];
        str(&c, x->name, sizeof x->name);
        int dtype = u8(&c), rank = u8(&c);
        x->n = 1;
        x->rows = 0;
        for (int r = 0; r < rank; r++) { long long d = u32(&c); if (r == 0) x->rows = d; x->n *= d; }
        if (c.bad || dtype != 1 || (c.end - c.p) / 4 < x->n) { printf("%s: bad tensor %s\n", path, x->name); return 1; }
        x->v = malloc((size_t)(x->n ? x->n : 1) * sizeof(float));
        memcpy(x->v, c.p, (size_t)x->n * sizeof(float)); /* little-endian host (x86-64, arm64) */
        c.p += x->n * 4;
        if (strncmp(x->name, "golden/", 7) != 0) nparams += x->n;
    }
    float *params = malloc((size_t)nparams * sizeof(float));
    long long o = 0;
    tensor *gx = NULL, *gout[3] = {NULL, NULL, NULL};
    int ng = 0;
    for (int i = 0; i < nt_; i++) {
        if (strncmp(t[i].name, "golden/", 7) != 0) { memcpy(params + o, t[i].v, (size_t)t[i].n * sizeof(float)); o += t[i].n; }
        else if (strcmp(t[i].name, "golden/x") == 0) gx = &t[i];
        else if (ng < 3) gout[ng++] = &t[i];
    }
    long long h;
    int err[2];
    int st = dwcp_net_create(k, dims, nd, params, nparams, &h, err);
    if (st || !gx || !ng) { printf("%s: %s (%s) create status %d, golden %s\n", path, model, kind, st, gx ? "ok" : "missing"); return 1; }
    int io[4];
    dwcp_net_io_sizes(h, io);
    int rows = (int)gx->rows;
    float *out[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) if (io[i + 1]) out[i] = calloc((size_t)rows * io[i + 1], sizeof(float));
    long long ns = dwcp_net_scratch_floats(h);
    float *s = malloc((size_t)ns * sizeof(float));
    st = dwcp_net_forward(h, gx->v, rows, out[0], out[1], out[2], s, ns, err);
    double worst = 0, worstAbs = 0;
    for (int i = 0; i < ng; i++) {
        if (!out[i] || gout[i]->n != (long long)rows * io[i + 1]) { printf("%s: golden %s size mismatch\n", path, gout[i]->name); return 1; }
        for (long long j = 0; j < gout[i]->n; j++) {
            double g = gout[i]->v[j], d = fabs(g - out[i][j]), sd = d / (fabs(g) > 1 ? fabs(g) : 1);
            if (!(sd <= worst)) worst = sd;
            if (d > worstAbs) worstAbs = d;
        }
    }
    int ok = st == 0 && worst <= 1e-4;
    printf("%s: %s (%s) isa %d, %d golden rows, max |diff| %.3g, scaled %.3g: %s\n", path, model, kind, dwcp_nets_isa(),
           rows, worstAbs, worst, ok ? "ok" : "FAIL");
    dwcp_net_destroy(h);
    return !ok;
}

int main(int argc, char **argv) {
    int fail = 0;
    for (int i = 1; i < argc; i++) fail |= check(argv[i]);
    return fail;
}
