/*
 * libdwcp_nets: the four networks' forward passes (see include/dwcp_nets.h for the contract and the
 * parameter order). The math follows the classes in models/.../nets and tf/Layers.java
 * op for op; only the summation order differs (golden checks allow 1e-4).
 */
#include "dwcp_nets.h"
#include "nets_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- instruction-set choice, once per process ---------------------------------------------------- */

static const nets_kern *kern_choose(int *isa) {
    const char *cap = getenv("DWCP_NETS_ISA");
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    int want = 3;
    if (cap && strcmp(cap, "scalar") == 0) want = 0;
    else if (cap && strcmp(cap, "avx2") == 0) want = 2;
    if (want >= 3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
        *isa = DWCP_NETS_ISA_AVX512;
        return &nets_kern_avx512;
    }
    if (want >= 2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        *isa = DWCP_NETS_ISA_AVX2;
        return &nets_kern_avx2;
    }
#else
    (void)cap;
#endif
    *isa = DWCP_NETS_ISA_SCALAR;
    return &nets_kern_scalar;
}

static const nets_kern *K;
static int K_ISA = -1;

/* Racing first calls compute the same answer; the pointer store is benign (documented in the header:
 * chosen once). A constructor makes it happen at load anyway. */
__attribute__((constructor)) static void kern_init(void) {
    int isa;
    const nets_kern *k = kern_choose(&isa);
    K = k;
    K_ISA = isa;
}

int dwcp_nets_version(void) { return DWCP_NETS_VERSION; }
int dwcp_nets_isa(void) { return K_ISA; }

/* ---- parameters ---------------------------------------------------------------------------------- */

typedef struct lstm {
    int in, hidden;
    float *wx; /* [in][4H], gates i f g o side by side */
    float *wh; /* [H][4H] */
    float *b;  /* [4H] */
    /* the same packed per block of K->kvec units for K->lstm_step (NULL when H % kvec != 0) */
    float *wxp, *whp, *bp;
} lstm;

typedef struct dwcp_net {
    int kind;
    int dims[8];
    int in_size, out_size[3];
    long long scratch;
    float *store; /* one allocation holding every tensor below */
    float *pack;  /* the LSTMs' weights packed for the fused step */
    /* forecaster */
    lstm l;
    float *d1_w, *d1_b, *d2_w, *d2_b, *d3_w, *d3_b, *ds;
    /* autoencoder / degradation */
    lstm enc, dec;
    lstm fw[4], bw[4];
    float *att_w, *att_b, *att_v, *bn_w, *bn_b, *out_w, *out_b, *reg_w, *reg_b, *cls_w, *cls_b;
} dwcp_net;

static long long lstm_count(int in, int h) { return 4LL * in * h + 4LL * h * h + 4LL * h; }

#define MAX_DIM 4096

static int dims_ok(int kind, const int *d, int nd) {
    static const int want[] = {0, 1, 3, 5, 8};
    if (kind < 1 || kind > 4 || !d || nd != want[kind]) return 0;
    for (int i = 0; i < nd; i++) if (d[i] < 1 || d[i] > MAX_DIM) return 0;
    if (kind == DWCP_NET_DEGRADATION && (d[3] > 4 || d[7] > d[1])) return 0;
    return 1;
}

long long dwcp_net_param_count(int kind, const int *d, int nd) {
    if (!dims_ok(kind, d, nd)) return -1;
    switch (kind) {
    case DWCP_NET_FORECASTER: {
        long long h = d[0];
        return lstm_count(10, d[0]) + h * h + h + h * 4 + 4 + 4;
    }
    case DWCP_NET_POLICY: {
        long long f = d[0], h = d[1], c = d[2];
        return f * h + h + h * h + h + h * c + c;
    }
    case DWCP_NET_AUTOENCODER: {
        long long f = d[1], h = d[2], b = d[3], a = d[4];
        return lstm_count(d[1], d[2]) + h * a + a + a + h * b + b + lstm_count(d[3], d[2]) + h * f + f;
    }
    default: {
        long long f = d[1], h = d[2], L = d[3], a = d[4], dd = d[5], nt = (long long)d[6] * d[7];
        long long n = 0;
        for (int l = 0; l < L; l++) n += 2 * lstm_count(l == 0 ? d[1] : 2 * d[2], d[2]);
        return n + 2 * h * a + a + a + (3 * h + f) * dd + dd + dd * nt + nt + dd + 1;
    }
    }
}

/* Reads tensors in order from the caller's array into the store. */
typedef struct reader {
    const float *src;
    float *dst;
} reader;

static float *take(reader *r, long long n) {
    float *p = r->dst;
    memcpy(p, r->src, (size_t)n * sizeof(float));
    r->src += n;
    r->dst += n;
    return p;
}

/* Four gate matrices [in][H] each, in order, interleaved into [in][4H]. */
static float *take_gates(reader *r, int in, int h) {
    float *p = r->dst;
    for (int g = 0; g < 4; g++)
        for (int i = 0; i < in; i++)
            memcpy(p + (long)i * 4 * h + (long)g * h, r->src + ((long)g * in + i) * h, (size_t)h * sizeof(float));
    r->src += 4L * in * h;
    r->dst += 4L * in * h;
    return p;
}

static void take_lstm(reader *r, lstm *l, int in, int h) {
    l->in = in;
    l->hidden = h;
    l->wx = take_gates(r, in, h);
    l->wh = take_gates(r, h, h);
    l->b = take(r, 4L * h);
}

/* Gate-interleaved [k][4H] into blocks of V units: block u, row k = gates i, f, g, o of units u*V .. u*V+V-1,
 * the sigmoid gates (i, f, o) halved: the step computes sigmoid(z) as 0.5 + 0.5*tanh(z/2), and halving is
 * exact, so the results are those of the unpacked weights. */
static void pack_one(const float *w, int k, int h, int v, float *dst) {
    for (int u = 0; u < h / v; u++)
        for (int kk = 0; kk < k; kk++)
            for (int g = 0; g < 4; g++) {
                float *d = dst + (((long)u * k + kk) * 4 + g) * v;
                const float *sw = w + (long)kk * 4 * h + (long)g * h + (long)u * v;
                for (int j = 0; j < v; j++) d[j] = g == 2 ? sw[j] : 0.5f * sw[j];
            }
}

static int lstm_list(dwcp_net *n, lstm **ls) {
    int c = 0;
    if (n->kind == DWCP_NET_FORECASTER) ls[c++] = &n->l;
    else if (n->kind == DWCP_NET_AUTOENCODER) { ls[c++] = &n->enc; ls[c++] = &n->dec; }
    else if (n->kind == DWCP_NET_DEGRADATION)
        for (int l = 0; l < n->dims[3]; l++) { ls[c++] = &n->fw[l]; ls[c++] = &n->bw[l]; }
    return c;
}

/* Packs every LSTM whose width is a multiple of the chosen instruction set's vector for K->lstm_step; the
 * others keep the GEMM + cell path. 0 when out of memory. */
static int pack_lstms(dwcp_net *n) {
    lstm *ls[8];
    const int c = lstm_list(n, ls), v = K->kvec;
    size_t total = 0;
    for (int i = 0; i < c; i++)
        if (ls[i]->hidden % v == 0) total += (size_t)lstm_count(ls[i]->in, ls[i]->hidden);
    if (total == 0) return 1;
    float *p = aligned_alloc(64, (total * sizeof(float) + 63) / 64 * 64);
    if (!p) return 0;
    n->pack = p;
    for (int i = 0; i < c; i++) {
        lstm *l = ls[i];
        const int in = l->in, h = l->hidden;
        if (h % v) continue;
        l->wxp = p; pack_one(l->wx, in, h, v, p); p += 4L * in * h;
        l->whp = p; pack_one(l->wh, h, h, v, p); p += 4L * h * h;
        l->bp = p; pack_one(l->b, 1, h, v, p); p += 4L * h;
    }
    return 1;
}

/* Scratch floats for one tile of NETS_TILE rows, per kind. */
static long long scratch_for(const dwcp_net *n) {
    const long long T = NETS_TILE;
    const int *d = n->dims;
    switch (n->kind) {
    case DWCP_NET_FORECASTER: {
        long long h = d[0];
        /* aug [T][10][10], z [T][4H], c [T][H], h [T][H], mid [T][H], delta [T][4] */
        return T * 100 + T * 4 * h + 3 * T * h + T * 4;
    }
    case DWCP_NET_POLICY: {
        long long h = d[1];
        return 2 * T * h;
    }
    case DWCP_NET_AUTOENCODER: {
        long long w = d[0], h = d[2], b = d[3], a = d[4];
        /* enc states [T][W][H], z [T][4H], zx [T][4H], c, h [T][H], att u [T][A], e [T][W], ctx [T][H],
         * bottleneck [T][B] */
        return T * w * h + 2 * T * 4 * h + 2 * T * h + T * a + T * w + T * h + T * b;
    }
    default: {
        long long w = d[0], f = d[1], h = d[2], a = d[4], dd = d[5], nt = (long long)d[6] * d[7];
        /* two sequences [T][W][2H], z [T][4H], c [T][H], reversed input [T][W][max(F,2H)] not needed (we
         * index backwards), att u [T][A], e [T][W], zcat [T][3H+F], mid [T][D], delta [T][N*T] */
        return 2 * T * w * 2 * h + T * 4 * h + T * h + T * a + T * w + T * (3 * h + f) + T * dd + T * nt + T;
    }
    }
}

int dwcp_net_create(int kind, const int *dims, int ndims, const float *params, long long nparams,
                    long long *handle, int *err) {
    if (err) err[0] = err[1] = 0;
    if (!handle) { if (err) err[0] = 6; return DWCP_NETS_EARG; }
    *handle = 0;
    if (!dims_ok(kind, dims, ndims)) { if (err) err[0] = 2; return DWCP_NETS_EARG; }
    if (!params) { if (err) err[0] = 4; return DWCP_NETS_EARG; }
    long long want = dwcp_net_param_count(kind, dims, ndims);
    if (nparams != want) {
        if (err) err[0] = want > 0x7fffffff ? 0x7fffffff : (int)want;
        return DWCP_NETS_EPARAMS;
    }
    for (long long i = 0; i < nparams; i++) {
        if (!isfinite(params[i])) { if (err) { err[0] = 0; err[1] = (int)(i > 0x7fffffff ? 0x7fffffff : i); } return DWCP_NETS_ENAN; }
    }
    dwcp_net *n = calloc(1, sizeof *n);
    float *store = n ? aligned_alloc(64, (((size_t)nparams * sizeof(float)) + 63) / 64 * 64) : NULL;
    if (!store) { free(n); return DWCP_NETS_ENOMEM; }
    n->kind = kind;
    memcpy(n->dims, dims, (size_t)ndims * sizeof(int));
    n->store = store;
    reader r = {params, store};
    const int *d = dims;
    switch (kind) {
    case DWCP_NET_FORECASTER: {
        int h = d[0];
        take_lstm(&r, &n->l, 10, h);
        n->d1_w = take(&r, (long long)h * h); n->d1_b = take(&r, h);
        n->d2_w = take(&r, (long long)h * 4); n->d2_b = take(&r, 4);
        n->ds = take(&r, 4);
        n->in_size = 60; n->out_size[0] = 4;
        break;
    }
    case DWCP_NET_POLICY: {
        int f = d[0], h = d[1], c = d[2];
        n->d1_w = take(&r, (long long)f * h); n->d1_b = take(&r, h);
        n->d2_w = take(&r, (long long)h * h); n->d2_b = take(&r, h);
        n->d3_w = take(&r, (long long)h * c); n->d3_b = take(&r, c);
        n->in_size = f; n->out_size[0] = c; n->out_size[1] = c;
        break;
    }
    case DWCP_NET_AUTOENCODER: {
        int w = d[0], f = d[1], h = d[2], b = d[3], a = d[4];
        take_lstm(&r, &n->enc, f, h);
        n->att_w = take(&r, (long long)h * a); n->att_b = take(&r, a); n->att_v = take(&r, a);
        n->bn_w = take(&r, (long long)h * b); n->bn_b = take(&r, b);
        take_lstm(&r, &n->dec, b, h);
        n->out_w = take(&r, (long long)h * f); n->out_b = take(&r, f);
        n->in_size = w * f; n->out_size[0] = w * f; n->out_size[1] = w;
        break;
    }
    default: {
        int w = d[0], f = d[1], h = d[2], L = d[3], a = d[4], dd = d[5], nt = d[6] * d[7];
        for (int l = 0; l < L; l++) {
            take_lstm(&r, &n->fw[l], l == 0 ? f : 2 * h, h);
            take_lstm(&r, &n->bw[l], l == 0 ? f : 2 * h, h);
        }
        n->att_w = take(&r, 2LL * h * a); n->att_b = take(&r, a); n->att_v = take(&r, a);
        n->d1_w = take(&r, (long long)(3 * h + f) * dd); n->d1_b = take(&r, dd);
        n->reg_w = take(&r, (long long)dd * nt); n->reg_b = take(&r, nt);
        n->cls_w = take(&r, dd); n->cls_b = take(&r, 1);
        n->in_size = w * f; n->out_size[0] = nt; n->out_size[1] = 1; n->out_size[2] = w;
        break;
    }
    }
    if (!pack_lstms(n)) { dwcp_net_destroy((long long)(intptr_t)n); return DWCP_NETS_ENOMEM; }
    n->scratch = scratch_for(n);
    *handle = (long long)(intptr_t)n;
    return DWCP_NETS_OK;
}

int dwcp_net_io_sizes(long long handle, int *sizes4) {
    const dwcp_net *n = (const dwcp_net *)(intptr_t)handle;
    if (!n || !sizes4) return DWCP_NETS_EARG;
    sizes4[0] = n->in_size;
    for (int i = 0; i < 3; i++) sizes4[i + 1] = n->out_size[i];
    return DWCP_NETS_OK;
}

long long dwcp_net_scratch_floats(long long handle) {
    const dwcp_net *n = (const dwcp_net *)(intptr_t)handle;
    return n ? n->scratch : -1;
}

int dwcp_net_destroy(long long handle) {
    dwcp_net *n = (dwcp_net *)(intptr_t)handle;
    if (n) {
        free(n->store);
        free(n->pack);
        free(n);
    }
    return DWCP_NETS_OK;
}

/* ---- forward passes, one tile of `rows` rows each --------------------------------------------------- */

/* Runs one LSTM layer over `steps` inputs. x_t of row r is at x + r*ldx_row + t*ldx_step (t reversed when
 * `reverse`: the state at position t is written for input position t, as DegradationNet re-reverses).
 * hidden states go to hs + r*ldh_row + t*ldh_step. `zx_const`: the input projection is the same at every
 * step (autoencoder decoder), computed once into zx. */
static void lstm_run(const lstm *l, const float *x, long ldx_row, long ldx_step, int rows, int steps, int reverse,
                     float *hs, long ldh_row, long ldh_step, float *z, float *zx, float *c, int zx_const) {
    const int H = l->hidden, G = 4 * H;
    if (l->wxp && ldh_step != 0) {
        /* fused step; h_t and h_{t-1} are distinct (ldh_step != 0) as the step requires */
        if (zx_const) K->gemm(x, (int)ldx_row, rows, l->in, l->wx, G, l->b, zx, G, 0);
        const float *hprev = NULL;
        for (int s = 0; s < steps; s++) {
            const int t = reverse ? steps - 1 - s : s;
            float *hout = hs + (long)t * ldh_step;
            K->lstm_step(zx_const ? NULL : x + (long)t * ldx_step, ldx_row, l->in, hprev, ldh_row, H, l->wxp, l->whp,
                         l->bp, zx_const ? zx : NULL, G, H, rows, c, hout, ldh_row);
            hprev = hout;
        }
        return;
    }
    if (zx_const) K->gemm(x, (int)ldx_row, rows, l->in, l->wx, G, l->b, zx, G, 0);
    const float *hprev = NULL;
    for (int s = 0; s < steps; s++) {
        const int t = reverse ? steps - 1 - s : s;
        if (zx_const) {
            memcpy(z, zx, (size_t)rows * G * sizeof(float));
        } else if (ldx_step == 0) {
            K->gemm(x, (int)ldx_row, rows, l->in, l->wx, G, l->b, z, G, 0);
        } else {
            /* rows of step t are ldx_row apart: gemm takes the row stride as ldx */
            K->gemm(x + (long)t * ldx_step, (int)ldx_row, rows, l->in, l->wx, G, l->b, z, G, 0);
        }
        if (hprev) K->gemm(hprev, (int)ldh_row, rows, H, l->wh, G, NULL, z, G, 1);
        float *hout = hs + (long)t * ldh_step;
        K->lstm_cell(z, rows, H, c, hout, (int)ldh_row, s == 0);
        hprev = hout;
    }
}

/* Additive attention over states hs (row r, step t at hs + r*ldr + t*width), writing alpha [rows][W] and
 * context [rows][width]. u: [rows][A] scratch. */
static void attention_run(const dwcp_net *n, const float *hs, long ldr, int rows, int W, int width, int A,
                          float *u, float *alpha, int ld_alpha, float *ctx) {
    for (int t = 0; t < W; t++) {
        K->gemm(hs + (long)t * width, (int)ldr, rows, width, n->att_w, A, n->att_b, u, A, 0);
        K->tanh_(u, rows * A);
        for (int r = 0; r < rows; r++) {
            float e = 0.0f;
            for (int a = 0; a < A; a++) e += u[(long)r * A + a] * n->att_v[a];
            alpha[(long)r * ld_alpha + t] = e;
        }
    }
    for (int r = 0; r < rows; r++) {
        float *al = alpha + (long)r * ld_alpha;
        /* softmax over steps; TF computes exp(e)/sum exp(e) directly (|e| <= |v|_1), subtracting the max
         * changes nothing mathematically and cannot overflow. */
        float mx = al[0];
        for (int t = 1; t < W; t++) mx = al[t] > mx ? al[t] : mx;
        float sum = 0.0f;
        for (int t = 0; t < W; t++) { al[t] = expf(al[t] - mx); sum += al[t]; }
        for (int t = 0; t < W; t++) al[t] /= sum;
        float *cr = ctx + (long)r * width;
        for (int j = 0; j < width; j++) cr[j] = 0.0f;
        for (int t = 0; t < W; t++) {
            const float *hr = hs + (long)r * ldr + (long)t * width;
            for (int j = 0; j < width; j++) cr[j] += al[t] * hr[j];
        }
    }
}

static void forecaster_tile(const dwcp_net *n, const float *x, int rows, float *y, float *s) {
    const int H = n->dims[0];
    float *aug = s, *z = aug + NETS_TILE * 100, *c = z + NETS_TILE * 4 * H, *h = c + NETS_TILE * H,
          *mid = h + NETS_TILE * H, *delta = mid + NETS_TILE * H;
    (void)delta;
    typedef float v4 __attribute__((vector_size(16), aligned(4), may_alias));
    const v4 ds = *(const v4 *)n->ds;
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (long)r * 60, *last = xr + 54;
        float *ar = aug + (long)r * 100;
        const v4 l4 = *(const v4 *)last;
        for (int t = 0; t < 10; t++) {
            for (int f = 0; f < 6; f++) ar[t * 10 + f] = xr[t * 6 + f];
            /* the 4 deltas in one vector division (the same IEEE quotients as one at a time) */
            *(v4 *)(ar + t * 10 + 6) = (*(const v4 *)(xr + t * 6) - l4) / ds;
        }
    }
    if (n->l.wxp) {
        /* fused steps, h_t written alternately into h and z (unused by this path): the step reads all of
         * h_{t-1} while it writes h_t */
        float *hb[2] = {h, z};
        const float *hprev = NULL;
        for (int t = 0; t < 10; t++) {
            K->lstm_step(aug + t * 10, 100, 10, hprev, H, H, n->l.wxp, n->l.whp, n->l.bp, NULL, 0, H, rows, c,
                         hb[t & 1], H);
            hprev = hb[t & 1];
        }
        h = hb[1];
    } else {
        /* h holds only the latest state: each step overwrites it after reading it (gemm accumulates into z
         * before lstm_cell writes h). */
        lstm_run(&n->l, aug, 100, 10, rows, 10, 0, h, H, 0, z, NULL, c, 0);
    }
    K->gemm(h, H, rows, H, n->d1_w, H, n->d1_b, mid, H, 0);
    K->tanh_(mid, rows * H);
    K->gemm(mid, H, rows, H, n->d2_w, 4, n->d2_b, delta, 4, 0);
    for (int r = 0; r < rows; r++) {
        const float *last = x + (long)r * 60 + 54;
        for (int f = 0; f < 4; f++) y[(long)r * 4 + f] = last[f] + delta[(long)r * 4 + f] * n->ds[f];
    }
}

static void policy_tile(const dwcp_net *n, const float *x, int rows, float *logits, float *probs, float *s) {
    const int F = n->dims[0], H = n->dims[1], C = n->dims[2];
    float *h1 = s, *h2 = s + NETS_TILE * H;
    K->gemm(x, F, rows, F, n->d1_w, H, n->d1_b, h1, H, 0);
    K->relu(h1, rows * H);
    K->gemm(h1, H, rows, H, n->d2_w, H, n->d2_b, h2, H, 0);
    K->relu(h2, rows * H);
    K->gemm(h2, H, rows, H, n->d3_w, C, n->d3_b, logits, C, 0);
    if (probs) {
        for (int r = 0; r < rows; r++) {
            const float *l = logits + (long)r * C;
            float *p = probs + (long)r * C;
            float mx = l[0];
            for (int k = 1; k < C; k++) mx = l[k] > mx ? l[k] : mx;
            float sum = 0.0f;
            for (int k = 0; k < C; k++) { p[k] = expf(l[k] - mx); sum += p[k]; }
            for (int k = 0; k < C; k++) p[k] /= sum;
        }
    }
}

static void autoencoder_tile(const dwcp_net *n, const float *x, int rows, float *recon, float *att, float *s) {
    const int W = n->dims[0], F = n->dims[1], H = n->dims[2], B = n->dims[3], A = n->dims[4];
    const long T = NETS_TILE;
    float *hs = s, *z = hs + T * W * H, *zx = z + T * 4 * H, *c = zx + T * 4 * H, *hdec = c + T * H,
          *u = hdec + T * H, *e = u + T * A, *ctx = e + T * W, *bn = ctx + T * H;
    lstm_run(&n->enc, x, (long)W * F, F, rows, W, 0, hs, (long)W * H, H, z, NULL, c, 0);
    attention_run(n, hs, (long)W * H, rows, W, H, A, u, e, W, ctx);
    if (att) memcpy(att, e, (size_t)rows * W * sizeof(float));
    K->gemm(ctx, H, rows, H, n->bn_w, B, n->bn_b, bn, B, 0);
    K->tanh_(bn, rows * B);
    /* decoder: the bottleneck repeated at every step; states reuse hs (the encoder's are no longer needed) */
    lstm_run(&n->dec, bn, B, 0, rows, W, 0, hs, (long)W * H, H, z, zx, c, 1);
    for (int t = 0; t < W; t++) {
        /* recon[r][t][:] = h_t·out_w + out_b, written straight into the caller's output (ld = W*F) */
        K->gemm(hs + (long)t * H, W * H, rows, H, n->out_w, F, n->out_b, recon + (long)t * F, W * F, 0);
    }
}

static void degradation_tile(const dwcp_net *n, const float *x, int rows, float *y, float *prob, float *att,
                             float *s) {
    const int W = n->dims[0], F = n->dims[1], H = n->dims[2], L = n->dims[3], A = n->dims[4], D = n->dims[5],
              N = n->dims[6], TG = n->dims[7];
    const long T = NETS_TILE, SW = 2L * H, NT = (long)N * TG, ZW = 3L * H + F;
    float *seqa = s, *seqb = seqa + T * W * SW, *z = seqb + T * W * SW, *c = z + T * 4 * H, *u = c + T * H,
          *e = u + T * A, *zcat = e + T * W, *mid = zcat + T * ZW, *delta = mid + T * D, *logit = delta + T * NT;
    const float *in = x;
    long ld_row = (long)W * F, ld_step = F;
    float *out = seqa;
    for (int l = 0; l < L; l++) {
        /* forward states in columns [0, H), backward in [H, 2H) of each step: the concat */
        lstm_run(&n->fw[l], in, ld_row, ld_step, rows, W, 0, out, W * SW, SW, z, NULL, c, 0);
        lstm_run(&n->bw[l], in, ld_row, ld_step, rows, W, 1, out + H, W * SW, SW, z, NULL, c, 0);
        in = out;
        ld_row = W * SW;
        ld_step = SW;
        out = out == seqa ? seqb : seqa;
    }
    const float *top = in;
    attention_run(n, top, W * SW, rows, W, (int)SW, A, u, e, W, zcat); /* context -> zcat[:, 0:2H] */
    /* attention_run wrote the context with row stride 2H; spread it to stride ZW, last row first */
    for (int r = rows - 1; r >= 0; r--) {
        float *dst = zcat + (long)r * ZW;
        const float *src = zcat + (long)r * SW;
        memmove(dst, src, (size_t)SW * sizeof(float));
    }
    for (int r = 0; r < rows; r++) {
        float *zr = zcat + (long)r * ZW;
        memcpy(zr + SW, top + (long)r * W * SW + (long)(W - 1) * SW, (size_t)H * sizeof(float));
        memcpy(zr + SW + H, x + (long)r * W * F + (long)(W - 1) * F, (size_t)F * sizeof(float));
    }
    if (att) memcpy(att, e, (size_t)rows * W * sizeof(float));
    K->gemm(zcat, (int)ZW, rows, (int)ZW, n->d1_w, D, n->d1_b, mid, D, 0);
    K->tanh_(mid, rows * D);
    K->gemm(mid, D, rows, D, n->reg_w, (int)NT, n->reg_b, delta, (int)NT, 0);
    K->gemm(mid, D, rows, D, n->cls_w, 1, n->cls_b, logit, 1, 0);
    for (int r = 0; r < rows; r++) {
        const float *xl = x + (long)r * W * F + (long)(W - 1) * F;
        for (int k = 0; k < N; k++)
            for (int t = 0; t < TG; t++)
                y[(long)r * NT + (long)k * TG + t] = xl[t] + delta[(long)r * NT + (long)k * TG + t];
        if (prob) prob[r] = 1.0f / (1.0f + expf(-logit[r]));
    }
}

int dwcp_net_forward(long long handle, const float *x, int batch, float *out0, float *out1, float *out2,
                     float *scratch, long long scratch_len, int *err) {
    const dwcp_net *n = (const dwcp_net *)(intptr_t)handle;
    if (err) err[0] = err[1] = 0;
    if (!n) { if (err) err[0] = 0; return DWCP_NETS_EARG; }
    if (!x) { if (err) err[0] = 1; return DWCP_NETS_EARG; }
    if (batch < 0) { if (err) err[0] = 2; return DWCP_NETS_EARG; }
    if (!out0) { if (err) err[0] = 3; return DWCP_NETS_EARG; }
    if (!scratch || scratch_len < n->scratch) return DWCP_NETS_ESCRATCH;
    const int in = n->in_size;
    for (long r = 0; r < batch; r++) {
        const float *xr = x + r * in;
        /* branch-free test on the exponent bits (vectorises); the position is searched only on failure */
        unsigned bad = 0;
        for (int i = 0; i < in; i++) {
            uint32_t u;
            memcpy(&u, xr + i, sizeof u);
            bad |= (u & 0x7f800000u) == 0x7f800000u;
        }
        if (!bad) continue;
        for (int i = 0; i < in; i++) {
            if (!isfinite(xr[i])) {
                if (err) { err[0] = (int)r; err[1] = i; }
                return DWCP_NETS_ENAN;
            }
        }
    }
    for (int r0 = 0; r0 < batch; r0 += NETS_TILE) {
        const int rows = batch - r0 < NETS_TILE ? batch - r0 : NETS_TILE;
        const float *xt = x + (long)r0 * in;
        switch (n->kind) {
        case DWCP_NET_FORECASTER:
            forecaster_tile(n, xt, rows, out0 + (long)r0 * 4, scratch);
            break;
        case DWCP_NET_POLICY:
            policy_tile(n, xt, rows, out0 + (long)r0 * n->out_size[0], out1 ? out1 + (long)r0 * n->out_size[1] : NULL,
                        scratch);
            break;
        case DWCP_NET_AUTOENCODER:
            autoencoder_tile(n, xt, rows, out0 + (long)r0 * n->out_size[0],
                             out1 ? out1 + (long)r0 * n->out_size[1] : NULL, scratch);
            break;
        default:
            degradation_tile(n, xt, rows, out0 + (long)r0 * n->out_size[0],
                             out1 ? out1 + (long)r0 : NULL, out2 ? out2 + (long)r0 * n->out_size[2] : NULL, scratch);
            break;
        }
    }
    return DWCP_NETS_OK;
}
