package io.dwcp.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticLinks;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The penalty search on a small fixed input: the chosen penalty and coefficients are those fit chose before its
 * validation windows and base forecasts were built once per series instead of once per penalty (recorded from that
 * code), and the base model now runs once per series.
 */
class LinearForecasterTest {
    // Fixtures whose best penalty is inside the grid for both kinds, so the choice is not a default.
    static final List<LinkSeries> TRAIN = SyntheticLinks.generate(2, 60, 1);
    static final List<LinkSeries> VAL = SyntheticLinks.generate(2, 150, 101);

    /** A stand-in for the LSTM: the window's last step carried half a step on; counts its calls. */
    static final class Trend implements BandwidthEval.Predictor {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public float[][] predictWithStep(float[][][] windows, double[] stepSeconds) {
            calls.incrementAndGet();
            float[][] out = new float[windows.length][5];
            for (int i = 0; i < windows.length; i++) {
                float[][] w = windows[i];
                int l = w.length - 1;
                out[i][0] = 1.5f * w[l][0] - 0.5f * w[l - 1][0];
                for (int j = 1; j < 4; j++) out[i][j] = w[l][j];
            }
            return out;
        }
    }

    /** The coefficients as {@link LinearForecaster#describe} prints them ({@code Double.toString}: exact). */
    static double[] coef(LinearForecaster f) {
        String d = f.describe();
        return Arrays.stream(d.substring(d.indexOf('[') + 1, d.indexOf(']')).split(", ")).mapToDouble(Double::parseDouble).toArray();
    }

    // Bit-equal on the machine that recorded them; the tolerance allows for another CPU's last-ulp Math.log/exp.
    static void assertCoef(double[] want, double[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-9 * Math.max(1e-3, Math.abs(want[i])), "coef " + i);
    }

    @Test
    void shrinkKeepsItsPenaltyAndCoefficientsAndRunsTheBaseOncePerSeries() {
        Trend base = new Trend();
        LinearForecaster f = LinearForecaster.fit("shrink", TRAIN, VAL, List.of(), base);
        assertEquals(1.0, f.penalty);
        assertCoef(new double[] {-0.0024424628020457374, 0.010769799743714113, -0.004343068285473164}, coef(f));
        assertEquals(TRAIN.size() + VAL.size(), base.calls.get(), "base calls: once per training and validation series");
    }

    @Test
    void ridgeKeepsItsPenaltyAndCoefficients() {
        LinearForecaster f = LinearForecaster.fit("ridge", TRAIN, List.of(), VAL, null);
        assertEquals(0.01, f.penalty);
        assertCoef(new double[] {0.1134828813262426, 0.06610902343098632, -0.05229395062815535, -0.0067721908022918215,
                -0.022464511688934777, -0.0036573540305705494, 0.018520890957361195, -0.008344073520600489,
                -0.030056735744676114, -0.061855303041877384, 0.0, -0.047373878507708786, -0.11840297608543443,
                0.04552172713913825, -0.015692306579890597, 0.018807158993693833, 0.02217824817104946,
                -0.026864982753202867, -0.021712668847150556, -0.031798567243273214, 7.095812079832227E-12,
                -0.018033732536599192, 0.0019419710385227764, 0.0013324295951460637}, coef(f));
    }
}
