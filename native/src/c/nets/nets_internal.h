/* Internal to libdwcp_nets: the kernel table each instruction-set build fills (nets_kern.h). */
#ifndef DWCP_NETS_INTERNAL_H
#define DWCP_NETS_INTERNAL_H

/* Rows processed together; scratch is sized for one tile, so it does not grow with the batch. */
#define NETS_TILE 32

typedef struct nets_kern {
    /* z[r][j] = (acc ? z[r][j] : (bias ? bias[j] : 0)) + sum_k x[r][k] * w[k][j], r < rows, j < n. */
    void (*gemm)(const float *x, int ldx, int rows, int k, const float *w, int n, const float *bias,
                 float *z, int ldz, int acc);
    /* One LSTM step from pre-activations z [rows][4H] (gates i, f, g, o): c = f*c + i*g (c = i*g when
     * first), h = o*tanh(c); h rows are ldh apart. */
    void (*lstm_cell)(const float *z, int rows, int hidden, float *c, float *h, int ldh, int first);
    /* In-place activations over n floats. */
    void (*tanh_)(float *v, int n);
    void (*relu)(float *v, int n);
    /* One fused LSTM step over packed weights (nets_kern.h, lstm_step): reads x_t [rows][kx] (x may be NULL
     * when zinit carries the input projection) and h_{t-1} (hp NULL on the first step), updates c [rows][H]
     * and writes h [rows] ldh apart. Needs hidden % kvec == 0; h must not alias hp. */
    void (*lstm_step)(const float *x, long ldx, int kx, const float *hp, long ldhp, int kh, const float *wxp,
                      const float *whp, const float *bp, const float *zinit, long ldz, int hidden, int rows,
                      float *c, float *h, long ldh);
    /* Units per packed block (the vector width in floats). */
    int kvec;
} nets_kern;

extern const nets_kern nets_kern_scalar;
#if defined(__x86_64__) || defined(__i386__)
extern const nets_kern nets_kern_avx2;
extern const nets_kern nets_kern_avx512;
#endif

#endif
