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

static void KFN(gemm)(const float *restrict x, int ldx, int rows, int k, const float *restrict w, int n,
                      const float *restrict bias, float *restrict z, int ldz, int acc) {
    int r = 0;
    /* Four rows at a time: each row of w is loaded once for four accumulating rows. */
    for (; r + 4 <= rows; r += 4) {
        float *restrict z0 = z + (long)r * ldz, *restrict z1 = z0 + ldz, *restrict z2 = z1 + ldz,
              *restrict z3 = z2 + ldz;
        const float *x0 = x + (long)r * ldx, *x1 = x0 + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
        if (!acc) {
            for (int j = 0; j < n; j++) {
                float b = bias ? bias[j] : 0.0f;
                z0[j] = b; z1[j] = b; z2[j] = b; z3[j] = b;
            }
        }
        for (int kk = 0; kk < k; kk++) {
            const float *restrict wr = w + (long)kk * n;
            const float a0 = x0[kk], a1 = x1[kk], a2 = x2[kk], a3 = x3[kk];
            for (int j = 0; j < n; j++) {
                const float wv = wr[j];
                z0[j] += a0 * wv; z1[j] += a1 * wv; z2[j] += a2 * wv; z3[j] += a3 * wv;
            }
        }
    }
    for (; r < rows; r++) {
        float *restrict z0 = z + (long)r * ldz;
        const float *x0 = x + (long)r * ldx;
        if (!acc) {
            for (int j = 0; j < n; j++) z0[j] = bias ? bias[j] : 0.0f;
        }
        for (int kk = 0; kk < k; kk++) {
            const float *restrict wr = w + (long)kk * n;
            const float a0 = x0[kk];
            for (int j = 0; j < n; j++) z0[j] += a0 * wr[j];
        }
    }
}

static void KFN(lstm_cell)(const float *restrict z, int rows, int hidden, float *restrict c, float *restrict h,
                           int ldh, int first) {
    for (int r = 0; r < rows; r++) {
        const float *zi = z + (long)r * 4 * hidden, *zf = zi + hidden, *zg = zf + hidden, *zo = zg + hidden;
        float *restrict cr = c + (long)r * hidden;
        float *restrict hr = h + (long)r * ldh;
        for (int j = 0; j < hidden; j++) {
            const float i = KFN(k_sigmoid)(zi[j]), f = KFN(k_sigmoid)(zf[j]);
            const float g = KFN(k_tanh)(zg[j]), o = KFN(k_sigmoid)(zo[j]);
            const float cn = first ? i * g : f * cr[j] + i * g;
            cr[j] = cn;
            hr[j] = o * KFN(k_tanh)(cn);
        }
    }
}

static void KFN(tanh_)(float *restrict v, int n) {
    for (int j = 0; j < n; j++) v[j] = KFN(k_tanh)(v[j]);
}

static void KFN(relu)(float *restrict v, int n) {
    for (int j = 0; j < n; j++) v[j] = v[j] > 0.0f ? v[j] : 0.0f;
}

const nets_kern KCAT(nets_kern, KSUFFIX) = {KFN(gemm), KFN(lstm_cell), KFN(tanh_), KFN(relu)};
