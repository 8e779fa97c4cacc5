/*
 * The hot loops, written once and compiled per instruction set: nets_kern_scalar.c, nets_kern_avx2.c and
 * nets_kern_avx512.c include this file after a `#pragma GCC target`, with KSUFFIX naming the table. Loops
 * run along the contiguous output dimension so GCC vectorises them for the target; tanh is Eigen's
 * rational approximation (what TensorFlow's CPU kernels use, |error| < 1e-6), which vectorises where
 * libm's tanhf does not.
 */
#include "nets_internal.h"

#define KCAT2(a, b) a##b
#define KCAT(a, b) KCAT2(a, b)
#define KFN(name) KCAT(name, KSUFFIX)

static inline float KFN(k_tanh)(float a) {
    const float lim = 7.90531110763549805f;
    float x = a > lim ? lim : a;
    x = x < -lim ? -lim : x;
    const float x2 = x * x;
    float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
    p = x2 * p + -8.60467152213735e-11f;
    p = x2 * p + 5.12229709037114e-08f;
    p = x2 * p + 1.48572235717979e-05f;
    p = x2 * p + 6.37261928875436e-04f;
    p = x2 * p + 4.89352455891786e-03f;
    p = x * p;
    float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
    q = x2 * q + 2.26843463243900e-03f;
    q = x2 * q + 4.89352518554385e-03f;
    return p / q;
}

static inline float KFN(k_sigmoid)(float x) {
    return 0.5f + 0.5f * KFN(k_tanh)(0.5f * x);
}

/* Register-blocked GEMM on GCC vector extensions (KVEC floats per vector: 16 AVX-512, 8 AVX2, 4 for the
 * portable build, which GCC lowers to SSE2 on x86-64, NEON on arm64): accumulators stay in registers across
 * the k loop, each w vector is loaded once per row block and each x value broadcast. Columns past the last
 * full block of 2 vectors go one vector at a time, the last few (< one vector) through the plain loop. */
typedef float KFN(vf) __attribute__((vector_size(KVEC * 4), aligned(4), may_alias));
#define VF KFN(vf)

static inline void KFN(gemm_cols)(const float *restrict x, int ldx, int r0, int r1, int k,
                                  const float *restrict w, int n, int j0, const float *restrict bias,
                                  float *restrict z, int ldz, int acc) {
    for (int r = r0; r < r1; r++) {
        float *restrict zr = z + (long)r * ldz;
        const float *xr = x + (long)r * ldx;
        if (!acc) {
            for (int j = j0; j < n; j++) zr[j] = bias ? bias[j] : 0.0f;
        }
        for (int kk = 0; kk < k; kk++) {
            const float a = xr[kk];
            const float *restrict wr = w + (long)kk * n;
            for (int j = j0; j < n; j++) zr[j] += a * wr[j];
        }
    }
}

static void KFN(gemm)(const float *restrict x, int ldx, int rows, int k, const float *restrict w, int n,
                      const float *restrict bias, float *restrict z, int ldz, int acc) {
    const int NB = 2 * KVEC;
    const int nv = n - n % NB;      /* columns in blocks of two vectors */
    const int n1 = n - n % KVEC;    /* then single vectors; the rest through the plain loop */
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *x0 = x + (long)r * ldx, *x1 = x0 + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
        for (int j = 0; j < nv; j += NB) {
            VF a00 = {0}, a01 = {0}, a10 = {0}, a11 = {0}, a20 = {0}, a21 = {0}, a30 = {0}, a31 = {0};
            for (int kk = 0; kk < k; kk++) {
                const VF w0 = *(const VF *)(w + (long)kk * n + j), w1 = *(const VF *)(w + (long)kk * n + j + KVEC);
                const float b0 = x0[kk], b1 = x1[kk], b2 = x2[kk], b3 = x3[kk];
                a00 += b0 * w0; a01 += b0 * w1;
                a10 += b1 * w0; a11 += b1 * w1;
                a20 += b2 * w0; a21 += b2 * w1;
                a30 += b3 * w0; a31 += b3 * w1;
            }
            VF c0, c1;
            if (acc) {
                c0 = *(const VF *)(z + (long)r * ldz + j); c1 = *(const VF *)(z + (long)r * ldz + j + KVEC);
                *(VF *)(z + (long)r * ldz + j) = c0 + a00; *(VF *)(z + (long)r * ldz + j + KVEC) = c1 + a01;
                c0 = *(const VF *)(z + (long)(r + 1) * ldz + j); c1 = *(const VF *)(z + (long)(r + 1) * ldz + j + KVEC);
                *(VF *)(z + (long)(r + 1) * ldz + j) = c0 + a10; *(VF *)(z + (long)(r + 1) * ldz + j + KVEC) = c1 + a11;
                c0 = *(const VF *)(z + (long)(r + 2) * ldz + j); c1 = *(const VF *)(z + (long)(r + 2) * ldz + j + KVEC);
                *(VF *)(z + (long)(r + 2) * ldz + j) = c0 + a20; *(VF *)(z + (long)(r + 2) * ldz + j + KVEC) = c1 + a21;
                c0 = *(const VF *)(z + (long)(r + 3) * ldz + j); c1 = *(const VF *)(z + (long)(r + 3) * ldz + j + KVEC);
                *(VF *)(z + (long)(r + 3) * ldz + j) = c0 + a30; *(VF *)(z + (long)(r + 3) * ldz + j + KVEC) = c1 + a31;
            } else {
                VF zero = {0};
                c0 = bias ? *(const VF *)(bias + j) : zero;
                c1 = bias ? *(const VF *)(bias + j + KVEC) : zero;
                *(VF *)(z + (long)r * ldz + j) = c0 + a00; *(VF *)(z + (long)r * ldz + j + KVEC) = c1 + a01;
                *(VF *)(z + (long)(r + 1) * ldz + j) = c0 + a10; *(VF *)(z + (long)(r + 1) * ldz + j + KVEC) = c1 + a11;
                *(VF *)(z + (long)(r + 2) * ldz + j) = c0 + a20; *(VF *)(z + (long)(r + 2) * ldz + j + KVEC) = c1 + a21;
                *(VF *)(z + (long)(r + 3) * ldz + j) = c0 + a30; *(VF *)(z + (long)(r + 3) * ldz + j + KVEC) = c1 + a31;
            }
        }
        for (int j = nv; j < n1; j += KVEC) {
            VF a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
            for (int kk = 0; kk < k; kk++) {
                const VF w0 = *(const VF *)(w + (long)kk * n + j);
                a0 += x0[kk] * w0; a1 += x1[kk] * w0; a2 += x2[kk] * w0; a3 += x3[kk] * w0;
            }
            VF zero = {0};
            VF b = bias ? *(const VF *)(bias + j) : zero;
            float *zr = z + (long)r * ldz + j;
            *(VF *)zr = (acc ? *(const VF *)zr : b) + a0;
            zr += ldz;
            *(VF *)zr = (acc ? *(const VF *)zr : b) + a1;
            zr += ldz;
            *(VF *)zr = (acc ? *(const VF *)zr : b) + a2;
            zr += ldz;
            *(VF *)zr = (acc ? *(const VF *)zr : b) + a3;
        }
    }
    /* Left-over rows (and batch 1): one row, four vectors at a time so four FMA chains run in parallel. */
    for (; r < rows; r++) {
        const float *x0 = x + (long)r * ldx;
        float *zr = z + (long)r * ldz;
        int j = 0;
        for (; j + 2 * NB <= nv; j += 2 * NB) {
            VF a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
            for (int kk = 0; kk < k; kk++) {
                const float *wr = w + (long)kk * n + j;
                const float b0 = x0[kk];
                a0 += b0 * *(const VF *)wr; a1 += b0 * *(const VF *)(wr + KVEC);
                a2 += b0 * *(const VF *)(wr + 2 * KVEC); a3 += b0 * *(const VF *)(wr + 3 * KVEC);
            }
            VF zero = {0};
            VF c0 = acc ? *(const VF *)(zr + j) : (bias ? *(const VF *)(bias + j) : zero);
            VF c1 = acc ? *(const VF *)(zr + j + KVEC) : (bias ? *(const VF *)(bias + j + KVEC) : zero);
            VF c2 = acc ? *(const VF *)(zr + j + 2 * KVEC) : (bias ? *(const VF *)(bias + j + 2 * KVEC) : zero);
            VF c3 = acc ? *(const VF *)(zr + j + 3 * KVEC) : (bias ? *(const VF *)(bias + j + 3 * KVEC) : zero);
            *(VF *)(zr + j) = c0 + a0; *(VF *)(zr + j + KVEC) = c1 + a1;
            *(VF *)(zr + j + 2 * KVEC) = c2 + a2; *(VF *)(zr + j + 3 * KVEC) = c3 + a3;
        }
        for (; j < nv; j += NB) {
            VF a0 = {0}, a1 = {0};
            for (int kk = 0; kk < k; kk++) {
                const float *wr = w + (long)kk * n + j;
                const float b0 = x0[kk];
                a0 += b0 * *(const VF *)wr; a1 += b0 * *(const VF *)(wr + KVEC);
            }
            VF zero = {0};
            VF c0 = acc ? *(const VF *)(zr + j) : (bias ? *(const VF *)(bias + j) : zero);
            VF c1 = acc ? *(const VF *)(zr + j + KVEC) : (bias ? *(const VF *)(bias + j + KVEC) : zero);
            *(VF *)(zr + j) = c0 + a0; *(VF *)(zr + j + KVEC) = c1 + a1;
        }
        for (j = nv; j < n1; j += KVEC) {
            VF a0 = {0};
            for (int kk = 0; kk < k; kk++) a0 += x0[kk] * *(const VF *)(w + (long)kk * n + j);
            VF zero = {0};
            *(VF *)(zr + j) = (acc ? *(const VF *)(zr + j) : (bias ? *(const VF *)(bias + j) : zero)) + a0;
        }
    }
    if (n1 < n) KFN(gemm_cols)(x, ldx, 0, rows, k, w, n, n1, bias, z, ldz, acc);
}

typedef int KFN(vi) __attribute__((vector_size(KVEC * 4)));
#define VI KFN(vi)

/* k_tanh on a vector (C has no ?: on vectors: the clamp selects with masks). Inputs are finite (checked). */
static inline VF KFN(v_tanh)(VF a) {
    const float lim = 7.90531110763549805f;
    VI hi = a > lim, lo = a < -lim;
    VF x = (VF)(((VI)a & ~hi) | ((VI)(a * 0.0f + lim) & hi));
    x = (VF)(((VI)x & ~lo) | ((VI)(x * 0.0f - lim) & lo));
    const VF x2 = x * x;
    VF p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
    p = x2 * p + -8.60467152213735e-11f;
    p = x2 * p + 5.12229709037114e-08f;
    p = x2 * p + 1.48572235717979e-05f;
    p = x2 * p + 6.37261928875436e-04f;
    p = x2 * p + 4.89352455891786e-03f;
    p = x * p;
    VF q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
    q = x2 * q + 2.26843463243900e-03f;
    q = x2 * q + 4.89352518554385e-03f;
    return p / q;
}

static inline VF KFN(v_sigmoid)(VF x) {
    return 0.5f + 0.5f * KFN(v_tanh)(0.5f * x);
}

static void KFN(lstm_cell)(const float *restrict z, int rows, int hidden, float *restrict c, float *restrict h,
                           int ldh, int first) {
    for (int r = 0; r < rows; r++) {
        const float *zi = z + (long)r * 4 * hidden, *zf = zi + hidden, *zg = zf + hidden, *zo = zg + hidden;
        float *restrict cr = c + (long)r * hidden;
        float *restrict hr = h + (long)r * ldh;
        int j = 0;
        for (; j + KVEC <= hidden; j += KVEC) {
            const VF i = KFN(v_sigmoid)(*(const VF *)(zi + j)), f = KFN(v_sigmoid)(*(const VF *)(zf + j));
            const VF g = KFN(v_tanh)(*(const VF *)(zg + j)), o = KFN(v_sigmoid)(*(const VF *)(zo + j));
            const VF cn = first ? i * g : f * *(const VF *)(cr + j) + i * g;
            *(VF *)(cr + j) = cn;
            *(VF *)(hr + j) = o * KFN(v_tanh)(cn);
        }
        for (; j < hidden; j++) {
            const float i = KFN(k_sigmoid)(zi[j]), f = KFN(k_sigmoid)(zf[j]);
            const float g = KFN(k_tanh)(zg[j]), o = KFN(k_sigmoid)(zo[j]);
            const float cn = first ? i * g : f * cr[j] + i * g;
            cr[j] = cn;
            hr[j] = o * KFN(k_tanh)(cn);
        }
    }
}

static void KFN(tanh_)(float *restrict v, int n) {
    int j = 0;
    for (; j + KVEC <= n; j += KVEC) *(VF *)(v + j) = KFN(v_tanh)(*(const VF *)(v + j));
    for (; j < n; j++) v[j] = KFN(k_tanh)(v[j]);
}

static void KFN(relu)(float *restrict v, int n) {
    for (int j = 0; j < n; j++) v[j] = v[j] > 0.0f ? v[j] : 0.0f;
}

const nets_kern KCAT(nets_kern, KSUFFIX) = {KFN(gemm), KFN(lstm_cell), KFN(tanh_), KFN(relu)};
