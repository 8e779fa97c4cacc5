/*
 * The hot loops, written once and compiled per instruction set: nets_kern_scalar.c, nets_kern_avx2.c and
 * nets_kern_avx512.c include this file after a `#pragma GCC target`, with KSUFFIX naming the table. Loops
 * run along the contiguous output dimension so GCC vectorises them for the target; tanh is Eigen's
 * rational approximation (what TensorFlow's CPU kernels use, |error| < 1e-6), which vectorises where
 * libm's tanhf does not.
 */
#include "nets_internal.h"

#if KVEC == 16 || KVEC == 8
#include <immintrin.h>
#endif

#define KCAT2(a, b) a##b
#define KCAT(a, b) KCAT2(a, b)
#define KFN(name) KCAT(name, KSUFFIX)

#ifndef K_TANH_PQ
/* Eigen's (TensorFlow's) rational tanh on [-7.9, 7.9], numerator p and denominator q of the clamped x, written
 * once for the scalar and the vector paths (T: float or a vector type); callers divide or multiply by 1/q. */
#define K_TANH_PQ(T, x, p, q)                                            \
    const T x2_ = (x) * (x);                                             \
    T p = x2_ * -2.76076847742355e-16f + 2.00018790482477e-13f;         \
    p = x2_ * p + -8.60467152213735e-11f;                                \
    p = x2_ * p + 5.12229709037114e-08f;                                 \
    p = x2_ * p + 1.48572235717979e-05f;                                 \
    p = x2_ * p + 6.37261928875436e-04f;                                 \
    p = x2_ * p + 4.89352455891786e-03f;                                 \
    p = (x) * p;                                                         \
    T q = x2_ * 1.19825839466702e-06f + 1.18534705686654e-04f;          \
    q = x2_ * q + 2.26843463243900e-03f;                                 \
    q = x2_ * q + 4.89352518554385e-03f;
#endif

static inline float KFN(k_tanh)(float a) {
    const float lim = 7.90531110763549805f;
    float x = a > lim ? lim : a;
    x = x < -lim ? -lim : x;
    K_TANH_PQ(float, x, p, q)
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

/* Columns j0 .. n-1 (fewer than a vector: the dense heads' 4, 5 or 1 outputs) with the accumulators in
 * registers: 4 columns at a time as a 128-bit vector, the last 1 to 3 as scalars. */
typedef float KFN(v4) __attribute__((vector_size(16), aligned(4), may_alias));

static inline void KFN(gemm_cols)(const float *restrict x, int ldx, int r0, int r1, int k,
                                  const float *restrict w, int n, int j0, const float *restrict bias,
                                  float *restrict z, int ldz, int acc) {
    for (int r = r0; r < r1; r++) {
        float *restrict zr = z + (long)r * ldz;
        const float *xr = x + (long)r * ldx;
        int j = j0;
        for (; j + 4 <= n; j += 4) {
            KFN(v4) a = {0};
            for (int kk = 0; kk < k; kk++) a += xr[kk] * *(const KFN(v4) *)(w + (long)kk * n + j);
            KFN(v4) zero = {0};
            KFN(v4) b = acc ? *(const KFN(v4) *)(zr + j) : (bias ? *(const KFN(v4) *)(bias + j) : zero);
            *(KFN(v4) *)(zr + j) = b + a;
        }
        for (; j < n; j++) {
            float a = 0.0f;
            for (int kk = 0; kk < k; kk++) a += xr[kk] * w[(long)kk * n + j];
            zr[j] = (acc ? zr[j] : (bias ? bias[j] : 0.0f)) + a;
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
    K_TANH_PQ(VF, x, p, q)
    return p / q;
}

static inline VF KFN(v_sigmoid)(VF x) {
    return 0.5f + 0.5f * KFN(v_tanh)(0.5f * x);
}

/* The same tanh without the division, for the fused LSTM step: a division per vector costs more than the
 * rest of the polynomial on x86 (vdivps has a throughput of one per 5 to 16 cycles), and the step runs five
 * per hidden unit. 1/q from the hardware estimate (14 bits AVX-512, 12 bits AVX2) and one Newton step
 * (relative error ~1e-7 with q in [0.0049, 0.088], far inside the 1e-4 golden tolerance); min/max clamp. The
 * portable build keeps the division (no estimate instruction in C, and arm64 divides well). */
#if KVEC == 16
static inline VF KFN(v_clamp)(VF a, float lim) {
    return (VF)_mm512_max_ps(_mm512_min_ps((__m512)a, _mm512_set1_ps(lim)), _mm512_set1_ps(-lim));
}
static inline VF KFN(v_recip)(VF q) {
    const VF r = (VF)_mm512_rcp14_ps((__m512)q);
    return r * (2.0f - q * r);
}
#elif KVEC == 8
static inline VF KFN(v_clamp)(VF a, float lim) {
    return (VF)_mm256_max_ps(_mm256_min_ps((__m256)a, _mm256_set1_ps(lim)), _mm256_set1_ps(-lim));
}
static inline VF KFN(v_recip)(VF q) {
    const VF r = (VF)_mm256_rcp_ps((__m256)q);
    return r * (2.0f - q * r);
}
#endif

static inline VF KFN(f_tanh)(VF a) {
#if KVEC == 16 || KVEC == 8
    const VF x = KFN(v_clamp)(a, 7.90531110763549805f);
    K_TANH_PQ(VF, x, p, q)
    return p * KFN(v_recip)(q);
#else
    return KFN(v_tanh)(a);
#endif
}

/* sigmoid(2*x): the step's weights for gates i, f and o are packed pre-halved (exact: a power of two), so the
 * usual 0.5 + 0.5*tanh(x/2) loses its multiply. */
static inline VF KFN(f_sigmoid2)(VF x) {
    return 0.5f + 0.5f * KFN(f_tanh)(x);
}

/* One LSTM step fused (the forward passes' hot loop): for each block of KR rows and KVEC hidden units, the
 * four gates' pre-activations are accumulated in registers over the input x_t (kx columns) and the previous
 * state hp (kh columns, none when hp is NULL: the first step), then the cell runs on the registers and
 * writes c and h. No z buffer, no second pass. Weights are packed per unit block at create
 * (nets_kern.pack_gates): block u, row k holds gates i, f, g, o for units u*KVEC .. u*KVEC+KVEC-1, so each k
 * reads 4 contiguous vectors, those of gates i, f and o halved (f_sigmoid2). zinit (when not NULL, rows ldz apart, gate-major [4H]) replaces the bias as the
 * starting value: a projection computed once for all steps. hidden % KVEC == 0 (nets.c checks KVEC). h must
 * not alias hp (other unit blocks still read hp). */
/* One row, unit blocks u0 .. u0+nb-1 (nb 1 or 2, a constant once inlined) of KFN(lstm_step). */
static inline __attribute__((always_inline)) void KFN(step_row)(
        const float *restrict x, long ldx, int kx, const float *restrict hp, long ldhp, int kh,
        const float *restrict wxp, const float *restrict whp, const float *restrict bp, const float *restrict zinit,
        long ldz, int hidden, int r, int u0, int nb, float *restrict c, float *restrict h, long ldh) {
    VF a[2][4];
    for (int q = 0; q < nb; q++) {
        const int u = u0 + q;
        for (int g = 0; g < 4; g++) {
            if (zinit)
                a[q][g] = (g == 2 ? 1.0f : 0.5f) * *(const VF *)(zinit + (long)r * ldz + (long)g * hidden + (long)u * KVEC);
            else
                a[q][g] = *(const VF *)(bp + ((long)u * 4 + g) * KVEC);
        }
    }
    if (x) {
        const float *xr = x + (long)r * ldx;
        for (int k = 0; k < kx; k++) {
            const float b = xr[k];
            for (int q = 0; q < nb; q++) {
                const float *wk = wxp + ((long)(u0 + q) * kx + k) * 4 * KVEC;
                for (int g = 0; g < 4; g++) a[q][g] += b * *(const VF *)(wk + g * KVEC);
            }
        }
    }
    if (hp) {
        const float *hr = hp + (long)r * ldhp;
        for (int k = 0; k < kh; k++) {
            const float b = hr[k];
            for (int q = 0; q < nb; q++) {
                const float *wk = whp + ((long)(u0 + q) * kh + k) * 4 * KVEC;
                for (int g = 0; g < 4; g++) a[q][g] += b * *(const VF *)(wk + g * KVEC);
            }
        }
    }
    for (int q = 0; q < nb; q++) {
        float *cr = c + (long)r * hidden + (long)(u0 + q) * KVEC;
        const VF ig = KFN(f_sigmoid2)(a[q][0]), fg = KFN(f_sigmoid2)(a[q][1]);
        const VF gg = KFN(f_tanh)(a[q][2]), og = KFN(f_sigmoid2)(a[q][3]);
        const VF cn = hp ? fg * *(const VF *)cr + ig * gg : ig * gg;
        *(VF *)cr = cn;
        *(VF *)(h + (long)r * ldh + (long)(u0 + q) * KVEC) = og * KFN(f_tanh)(cn);
    }
}

#ifndef KR
#define KR 4
#endif
static void KFN(lstm_step)(const float *restrict x, long ldx, int kx, const float *restrict hp, long ldhp, int kh,
                           const float *restrict wxp, const float *restrict whp, const float *restrict bp,
                           const float *restrict zinit, long ldz, int hidden, int rows, float *restrict c,
                           float *restrict h, long ldh) {
    const int NU = hidden / KVEC;
    int r = 0;
    for (; r + KR <= rows; r += KR) {
        for (int u = 0; u < NU; u++) {
            VF acc[KR][4];
            for (int i = 0; i < KR; i++) {
                for (int g = 0; g < 4; g++) {
                    if (zinit)
                        acc[i][g] = (g == 2 ? 1.0f : 0.5f) *
                                    *(const VF *)(zinit + (long)(r + i) * ldz + (long)g * hidden + (long)u * KVEC);
                    else
                        acc[i][g] = *(const VF *)(bp + ((long)u * 4 + g) * KVEC);
                }
            }
            if (x) {
                const float *wu = wxp + (long)u * kx * 4 * KVEC;
                for (int k = 0; k < kx; k++) {
                    const VF w0 = *(const VF *)(wu + (long)k * 4 * KVEC), w1 = *(const VF *)(wu + (long)k * 4 * KVEC + KVEC);
                    const VF w2 = *(const VF *)(wu + (long)k * 4 * KVEC + 2 * KVEC);
                    const VF w3 = *(const VF *)(wu + (long)k * 4 * KVEC + 3 * KVEC);
                    for (int i = 0; i < KR; i++) {
                        const float b = x[(long)(r + i) * ldx + k];
                        acc[i][0] += b * w0; acc[i][1] += b * w1; acc[i][2] += b * w2; acc[i][3] += b * w3;
                    }
                }
            }
            if (hp) {
                const float *wu = whp + (long)u * kh * 4 * KVEC;
                for (int k = 0; k < kh; k++) {
                    const VF w0 = *(const VF *)(wu + (long)k * 4 * KVEC), w1 = *(const VF *)(wu + (long)k * 4 * KVEC + KVEC);
                    const VF w2 = *(const VF *)(wu + (long)k * 4 * KVEC + 2 * KVEC);
                    const VF w3 = *(const VF *)(wu + (long)k * 4 * KVEC + 3 * KVEC);
                    for (int i = 0; i < KR; i++) {
                        const float b = hp[(long)(r + i) * ldhp + k];
                        acc[i][0] += b * w0; acc[i][1] += b * w1; acc[i][2] += b * w2; acc[i][3] += b * w3;
                    }
                }
            }
            for (int i = 0; i < KR; i++) {
                float *cr = c + (long)(r + i) * hidden + (long)u * KVEC;
                const VF ig = KFN(f_sigmoid2)(acc[i][0]), fg = KFN(f_sigmoid2)(acc[i][1]);
                const VF gg = KFN(f_tanh)(acc[i][2]), og = KFN(f_sigmoid2)(acc[i][3]);
                const VF cn = hp ? fg * *(const VF *)cr + ig * gg : ig * gg;
                *(VF *)cr = cn;
                *(VF *)(h + (long)(r + i) * ldh + (long)u * KVEC) = og * KFN(f_tanh)(cn);
            }
        }
    }
    /* left-over rows (and batch 1) one at a time, two unit blocks together where there are two: one row's
     * four accumulators are four dependent FMA chains, too few to hide the FMA latency; eight are enough.
     * Each accumulator sums in the same order as in the row blocks above, so a row's result does not depend
     * on the batch around it. */
    for (; r < rows; r++) {
        int u = 0;
        for (; u + 2 <= NU; u += 2)
            KFN(step_row)(x, ldx, kx, hp, ldhp, kh, wxp, whp, bp, zinit, ldz, hidden, r, u, 2, c, h, ldh);
        for (; u < NU; u++)
            KFN(step_row)(x, ldx, kx, hp, ldhp, kh, wxp, whp, bp, zinit, ldz, hidden, r, u, 1, c, h, ldh);
    }
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

const nets_kern KCAT(nets_kern, KSUFFIX) = {KFN(gemm), KFN(lstm_cell), KFN(tanh_), KFN(relu), KFN(lstm_step), KVEC};
