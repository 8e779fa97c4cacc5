/*
 * Forward passes of the four trained DWCP networks (issue 16), in C11: the bandwidth forecaster LSTM,
 * the compression policy net, the latency LSTM autoencoder with attention and the degradation BiLSTM
 * with attention. Each computes exactly the SavedModel's serving signature (inputs already scaled, as
 * fed to TensorFlow; pre/post-processing stays in models/serving and the agent).
 *
 * Library: libdwcp_nets.so (separate from libdwcp_cpu.so). Java face: io.dwcp.jni.nets.
 *
 * Contract:
 *  - batch-first: x is [batch][per-sample input], every output [batch][per-sample output], row-major.
 *  - no allocation per call: the caller passes scratch of dwcp_net_scratch_floats(h) floats.
 *  - thread-safe: a created net is immutable; concurrent calls need distinct scratch.
 *  - the instruction set (scalar, AVX2+FMA, AVX-512F) is chosen once, at run time, from the CPU;
 *    DWCP_NETS_ISA=scalar|avx2|avx512 in the environment caps it (tests, benchmarks).
 *
 * Parameters are passed as one float array, tensors concatenated in the order below, each row-major as
 * the trainer's Params stores them ("LSTM block P, in" = P_wxi, P_wxf, P_wxg, P_wxo [in][H] each, then
 * P_whi..P_who [H][H], then P_bi..P_bo [H]; gate order i, f, g, o as models/tf/Layers.lstm):
 *  FORECASTER  dims {H}:                  LSTM block lstm, 10; d1_w [H][H]; d1_b [H]; d2_w [H][4]; d2_b [4];
 *                                         delta_scale [4].          x [10][6] -> y [4]
 *  POLICY      dims {F, H, C}:            d1_w [F][H]; d1_b; d2_w [H][H]; d2_b; d3_w [H][C]; d3_b [C].
 *                                         x [F] -> logits [C], probs [C]
 *  AUTOENCODER dims {W, F, H, B, A}:      LSTM block enc, F; att_w [H][A]; att_b [A]; att_v [A][1];
 *                                         bottleneck_w [H][B]; bottleneck_b [B]; LSTM block dec, B;
 *                                         out_w [H][F]; out_b [F].  x [W][F] -> recon [W][F], attention [W]
 *  DEGRADATION dims {W, F, H, L, A, D, N, T}: for each layer l < L: LSTM block l<l>_fw, in_l; LSTM block
 *                                         l<l>_bw, in_l (in_0 = F, else 2H); att_w [2H][A]; att_b; att_v [A][1];
 *                                         d1_w [2H+H+F][D]; d1_b [D]; reg_w [D][N*T]; reg_b [N*T];
 *                                         cls_w [D][1]; cls_b [1].
 *                                         x [W][F] -> y [N][T], prob [1], attention [W]   (T <= F)
 */
#ifndef DWCP_NETS_H
#define DWCP_NETS_H

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version of this header; the Java face checks it. */
#define DWCP_NETS_VERSION 1

#define DWCP_NET_FORECASTER  1
#define DWCP_NET_POLICY      2
#define DWCP_NET_AUTOENCODER 3
#define DWCP_NET_DEGRADATION 4

/* Status codes (0 = ok). err[0]/err[1] carry details where noted. */
#define DWCP_NETS_OK           0
#define DWCP_NETS_EARG        -1  /* bad kind, dims, sizes or null pointer; err[0] = which argument  */
#define DWCP_NETS_ENAN        -2  /* non-finite input: err[0] = batch row, err[1] = index in the row */
#define DWCP_NETS_ENOMEM      -3  /* allocation failed at create                                       */
#define DWCP_NETS_ESCRATCH    -4  /* scratch shorter than dwcp_net_scratch_floats                      */
#define DWCP_NETS_EPARAMS     -5  /* nparams does not match dims; err[0] = expected (truncated to int) */

/* Instruction sets (dwcp_nets_isa). */
#define DWCP_NETS_ISA_SCALAR 0
#define DWCP_NETS_ISA_AVX2   2
#define DWCP_NETS_ISA_AVX512 3

int dwcp_nets_version(void);
/* The instruction set the kernels use on this CPU. */
int dwcp_nets_isa(void);

/* Number of floats `params` must hold for this kind and dims, or -1 when the dims are invalid. */
long long dwcp_net_param_count(int kind, const int *dims, int ndims);

/* Copies the parameters into a new immutable net. */
int dwcp_net_create(int kind, const int *dims, int ndims, const float *params, long long nparams,
                    long long *handle, int *err);
/* Per-sample input floats, and per-sample floats of outputs 0..2 (0 when the net has no such output). */
int dwcp_net_io_sizes(long long handle, int *sizes4);
/* Floats of scratch forward needs, whatever the batch (it works in tiles of rows). */
long long dwcp_net_scratch_floats(long long handle);
/* out1/out2 may be NULL when unused by the kind; out0 is required. */
int dwcp_net_forward(long long handle, const float *x, int batch, float *out0, float *out1, float *out2,
                     float *scratch, long long scratch_len, int *err);
int dwcp_net_destroy(long long handle);

#ifdef __cplusplus
}
#endif
#endif
