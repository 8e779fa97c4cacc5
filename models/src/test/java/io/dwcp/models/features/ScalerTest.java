package io.dwcp.models.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ScalerTest {
    private static double[][] rows() {
        Random r = new Random(1);
        double[][] x = new double[200][3];
        for (double[] row : x) {
            row[0] = r.nextGaussian() * 5 + 10;
            row[1] = Math.exp(r.nextGaussian() * 2) * 100; // heavy tail
            row[2] = 7; // constant
        }
        return x;
    }

    @Test
    void standardAndRobustRoundTrip() {
        for (Scaler.Kind k : Scaler.Kind.values()) {
            Scaler s = Scaler.fit(k, rows(), new boolean[] {false, true, false});
            for (double[] row : rows()) {
                double[] back = s.inverse(s.transform(row));
                for (int j = 0; j < row.length; j++) {
                    assertEquals(row[j], back[j], 1e-9 * Math.max(1, Math.abs(row[j])), k + " feature " + j);
                }
            }
        }
    }

    @Test
    void standardFitHasZeroMeanUnitVarianceAndConstantMapsToZero() {
        Scaler s = Scaler.fit(Scaler.Kind.STANDARD, rows(), null);
        double m = 0, v = 0;
        double[][] x = rows();
        for (double[] row : x) m += s.transform(0, row[0]);
        m /= x.length;
        for (double[] row : x) v += Math.pow(s.transform(0, row[0]) - m, 2);
        assertEquals(0, m, 1e-9);
        assertEquals(1, v / x.length, 1e-9);
        assertEquals(0, s.transform(2, 7), 0);
    }

    @Test
    void robustUsesMedianAndIqr() {
        double[][] x = {{1}, {2}, {3}, {4}, {100}};
        Scaler s = Scaler.fit(Scaler.Kind.ROBUST, x, null);
        assertEquals(3, s.center()[0], 0);
        assertEquals(2, s.scale()[0], 0); // q75=4, q25=2
    }

    @Test
    void jsonRoundTrip() throws Exception {
        Scaler s = Scaler.fit(Scaler.Kind.ROBUST, rows(), new boolean[] {false, true, false});
        ObjectMapper om = new ObjectMapper();
        assertEquals(s, om.readValue(om.writeValueAsString(s), Scaler.class));
    }

    @Test
    void wrongWidthIsRejected() {
        Scaler s = Scaler.identity(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.transform(new double[2]));
        assertEquals("expected 3 features, got 2", e.getMessage());
    }
}
