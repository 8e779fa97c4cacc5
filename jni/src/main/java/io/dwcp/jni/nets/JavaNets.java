package io.dwcp.jni.nets;

/**
 * Pure-Java forward passes of the four networks: the last resort when the C library is unavailable and
 * the reference the C kernels are checked against. Written as plainly as models/.../nets and
 * tf/Layers.java, sample by sample, in float with {@link Math#tanh}/{@link Math#exp}. Stateless; every
 * method is thread-safe.
 */
final class JavaNets {
    private JavaNets() {
    }

    /** Forward of one sample: x from xo, outputs at sample index r of each output array. */
    static void forward(NetWeights w, float[] x, int xo, float[][] outs, int r) {
        int[] d = w.dims();
        switch (w.kind()) {
            case FORECASTER -> forecaster(w, d, x, xo, outs[0], r * 4);
            case POLICY -> policy(w, d, x, xo, outs[0], outs.length > 1 ? outs[1] : null, r * d[2]);
            case AUTOENCODER -> autoencoder(w, d, x, xo, outs[0], r * d[0] * d[1], outs.length > 1 ? outs[1] : null, r * d[0]);
            case DEGRADATION -> degradation(w, d, x, xo, outs[0], r * d[6] * d[7], outs.length > 1 ? outs[1] : null, r,
                    outs.length > 2 ? outs[2] : null, r * d[0]);
        }
    }

    private static float[] t(NetWeights w, String name) {
        return w.tensor(name).values();
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** y = x·W + b over in → out (W [in][out] row-major). */
    static float[] dense(float[] x, int xo, int in, float[] wm, float[] b, int out) {
        float[] y = new float[out];
        for (int j = 0; j < out; j++) {
            float s = b[j];
            for (int k = 0; k < in; k++) {
                s += x[xo + k] * wm[k * out + j];
            }
            y[j] = s;
        }
        return y;
    }

    /** One LSTM layer; returns the hidden state after each step, [steps][H]. xs[t] are the inputs. */
    static float[][] lstm(NetWeights w, String name, float[][] xs, int in, int h) {
        String[] g = {"i", "f", "g", "o"};
        float[][] wx = new float[4][], wh = new float[4][], b = new float[4][];
        for (int k = 0; k < 4; k++) {
            wx[k] = t(w, name + "_wx" + g[k]);
            wh[k] = t(w, name + "_wh" + g[k]);
            b[k] = t(w, name + "_b" + g[k]);
        }
        float[][] hs = new float[xs.length][];
        float[] hPrev = new float[h], c = new float[h];
        for (int s = 0; s < xs.length; s++) {
            float[][] z = new float[4][];
            for (int k = 0; k < 4; k++) {
                z[k] = dense(xs[s], 0, in, wx[k], b[k], h);
                float[] r = dense(hPrev, 0, h, wh[k], new float[h], h);
                for (int j = 0; j < h; j++) {
                    z[k][j] += r[j];
                }
            }
            float[] hn = new float[h];
            for (int j = 0; j < h; j++) {
                float i = sigmoid(z[0][j]), f = sigmoid(z[1][j]), gg = (float) Math.tanh(z[2][j]), o = sigmoid(z[3][j]);
                c[j] = f * c[j] + i * gg;
                hn[j] = o * (float) Math.tanh(c[j]);
            }
            hs[s] = hn;
            hPrev = hn;
        }
        return hs;
    }

    /** Additive attention: fills alpha [W] and returns the context [width]. */
    static float[] attention(NetWeights w, float[][] hs, int width, float[] alpha, int ao) {
        float[] aw = t(w, "att_w"), ab = t(w, "att_b"), av = t(w, "att_v");
        int a = ab.length, steps = hs.length;
        double[] e = new double[steps];
        double sum = 0;
        for (int s = 0; s < steps; s++) {
            float[] u = dense(hs[s], 0, width, aw, ab, a);
            float es = 0;
            for (int k = 0; k < a; k++) {
                es += (float) Math.tanh(u[k]) * av[k];
            }
            e[s] = Math.exp(es);
            sum += e[s];
        }
        float[] ctx = new float[width];
        for (int s = 0; s < steps; s++) {
            float al = (float) (e[s] / sum);
            if (alpha != null) {
                alpha[ao + s] = al;
            }
            for (int j = 0; j < width; j++) {
                ctx[j] += al * hs[s][j];
            }
        }
        return ctx;
    }

    private static void forecaster(NetWeights w, int[] d, float[] x, int xo, float[] y, int yo) {
        int h = d[0];
        float[] ds = t(w, "delta_scale");
        float[][] aug = new float[10][10];
        int last = xo + 54;
        for (int s = 0; s < 10; s++) {
            for (int f = 0; f < 6; f++) {
                aug[s][f] = x[xo + s * 6 + f];
            }
            for (int f = 0; f < 4; f++) {
                aug[s][6 + f] = (x[xo + s * 6 + f] - x[last + f]) / ds[f];
            }
        }
        float[][] hs = lstm(w, "lstm", aug, 10, h);
        float[] mid = dense(hs[9], 0, h, t(w, "d1_w"), t(w, "d1_b"), h);
        for (int j = 0; j < h; j++) {
            mid[j] = (float) Math.tanh(mid[j]);
        }
        float[] delta = dense(mid, 0, h, t(w, "d2_w"), t(w, "d2_b"), 4);
        for (int f = 0; f < 4; f++) {
            y[yo + f] = x[last + f] + delta[f] * ds[f];
        }
    }

    private static void policy(NetWeights w, int[] d, float[] x, int xo, float[] logits, float[] probs, int o) {
        int f = d[0], h = d[1], c = d[2];
        float[] h1 = dense(x, xo, f, t(w, "d1_w"), t(w, "d1_b"), h);
        relu(h1);
        float[] h2 = dense(h1, 0, h, t(w, "d2_w"), t(w, "d2_b"), h);
        relu(h2);
        float[] l = dense(h2, 0, h, t(w, "d3_w"), t(w, "d3_b"), c);
        System.arraycopy(l, 0, logits, o, c);
        if (probs != null) {
            double mx = Double.NEGATIVE_INFINITY, sum = 0;
            for (float v : l) {
                mx = Math.max(mx, v);
            }
            for (int k = 0; k < c; k++) {
                sum += Math.exp(l[k] - mx);
            }
            for (int k = 0; k < c; k++) {
                probs[o + k] = (float) (Math.exp(l[k] - mx) / sum);
            }
        }
    }

    private static void relu(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(v[i], 0f);
        }
    }

    private static float[][] steps(float[] x, int xo, int window, int features) {
        float[][] xs = new float[window][features];
        for (int s = 0; s < window; s++) {
            System.arraycopy(x, xo + s * features, xs[s], 0, features);
        }
        return xs;
    }

    private static void autoencoder(NetWeights w, int[] d, float[] x, int xo, float[] recon, int ro, float[] att, int ao) {
        int win = d[0], f = d[1], h = d[2], b = d[3];
        float[][] enc = lstm(w, "enc", steps(x, xo, win, f), f, h);
        float[] ctx = attention(w, enc, h, att, ao);
        float[] z = dense(ctx, 0, h, t(w, "bottleneck_w"), t(w, "bottleneck_b"), b);
        for (int j = 0; j < b; j++) {
            z[j] = (float) Math.tanh(z[j]);
        }
        float[][] rep = new float[win][];
        java.util.Arrays.fill(rep, z);
        float[][] dec = lstm(w, "dec", rep, b, h);
        for (int s = 0; s < win; s++) {
            float[] o = dense(dec[s], 0, h, t(w, "out_w"), t(w, "out_b"), f);
            System.arraycopy(o, 0, recon, ro + s * f, f);
        }
    }

    private static void degradation(NetWeights w, int[] d, float[] x, int xo, float[] y, int yo, float[] prob, int po,
                                    float[] att, int ao) {
        int win = d[0], f = d[1], h = d[2], layers = d[3], dense = d[5], n = d[6], tg = d[7];
        float[][] seq = steps(x, xo, win, f);
        int width = f;
        float[][] fwTop = null;
        for (int l = 0; l < layers; l++) {
            float[][] fw = lstm(w, "l" + l + "_fw", seq, width, h);
            float[][] rev = new float[win][];
            for (int s = 0; s < win; s++) {
                rev[s] = seq[win - 1 - s];
            }
            float[][] bwRev = lstm(w, "l" + l + "_bw", rev, width, h);
            float[][] next = new float[win][2 * h];
            for (int s = 0; s < win; s++) {
                System.arraycopy(fw[s], 0, next[s], 0, h);
                System.arraycopy(bwRev[win - 1 - s], 0, next[s], h, h);
            }
            seq = next;
            width = 2 * h;
            fwTop = fw;
        }
        float[] ctx = attention(w, seq, width, att, ao);
        float[] z = new float[width + h + f];
        System.arraycopy(ctx, 0, z, 0, width);
        System.arraycopy(fwTop[win - 1], 0, z, width, h);
        System.arraycopy(x, xo + (win - 1) * f, z, width + h, f);
        float[] mid = dense(z, 0, z.length, t(w, "d1_w"), t(w, "d1_b"), dense);
        for (int j = 0; j < dense; j++) {
            mid[j] = (float) Math.tanh(mid[j]);
        }
        float[] delta = dense(mid, 0, dense, t(w, "reg_w"), t(w, "reg_b"), n * tg);
        for (int k = 0; k < n; k++) {
            for (int q = 0; q < tg; q++) {
                y[yo + k * tg + q] = x[xo + (win - 1) * f + q] + delta[k * tg + q];
            }
        }
        if (prob != null) {
            prob[po] = sigmoid(dense(mid, 0, dense, t(w, "cls_w"), t(w, "cls_b"), 1)[0]);
        }
    }
}
