package io.dwcp.models.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PNG plots for the reports (xchart, headless). Each method writes one file and returns its path.
 * Thread-safe (no shared state); sets {@code java.awt.headless=true}.
 */
public final class Plots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /** Line plot of named series of (x, y) points. */
    public static Path lines(Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series,
                             boolean logY) throws IOException {
        XYChart c = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setLegendVisible(series.size() > 1);
        c.getStyler().setYAxisLogarithmic(logY);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy[0].length == 0) continue;
            XYSeries s = c.addSeries(e.getKey(), xy[0], xy[1]);
            s.setMarker(SeriesMarkers.NONE);
        }
        return save(c, file);
    }

    /** Same as {@link #lines} with extra horizontal lines (e.g. a threshold). */
    public static Path linesWithLevels(Path file, String title, String xLabel, String yLabel,
                                       Map<String, double[][]> series, Map<String, Double> levels, boolean logY)
            throws IOException {
        Map<String, double[][]> all = new LinkedHashMap<>(series);
        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        for (double[][] xy : series.values()) {
            for (double x : xy[0]) {
                xmin = Math.min(xmin, x);
                xmax = Math.max(xmax, x);
            }
        }
        for (Map.Entry<String, Double> l : levels.entrySet()) {
            all.put(l.getKey(), new double[][] {{xmin, xmax}, {l.getValue(), l.getValue()}});
        }
        return lines(file, title, xLabel, yLabel, all, logY);
    }

    /** Curve from a list of (x, y) points, e.g. ROC or precision-recall. */
    public static Path curve(Path file, String title, String xLabel, String yLabel, List<double[]> pts,
                             boolean diagonal) throws IOException {
        double[][] xy = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            xy[0][i] = pts.get(i)[0];
            xy[1][i] = pts.get(i)[1];
        }
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put(title, xy);
        if (diagonal) s.put("chance", new double[][] {{0, 1}, {0, 1}});
        return lines(file, title, xLabel, yLabel, s, false);
    }

    /** Overlaid histograms (step outlines) of named samples with vertical threshold lines. */
    public static Path histogram(Path file, String title, String xLabel, Map<String, double[]> samples,
                                 Map<String, Double> verticals, int bins, boolean logX) throws IOException {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] s : samples.values()) {
            for (double v : s) {
                double t = logX ? Math.log10(Math.max(v, 1e-12)) : v;
                lo = Math.min(lo, t);
                hi = Math.max(hi, t);
            }
        }
        for (double v : verticals.values()) {
            double t = logX ? Math.log10(Math.max(v, 1e-12)) : v;
            lo = Math.min(lo, t);
            hi = Math.max(hi, t);
        }
        if (!(hi > lo)) hi = lo + 1;
        double w = (hi - lo) / bins;
        Map<String, double[][]> series = new LinkedHashMap<>();
        double ymax = 1;
        for (Map.Entry<String, double[]> e : samples.entrySet()) {
            double[] counts = new double[bins];
            for (double v : e.getValue()) {
                double t = logX ? Math.log10(Math.max(v, 1e-12)) : v;
                int b = (int) Math.min(bins - 1, Math.max(0, (t - lo) / w));
                counts[b]++;
            }
            double[] x = new double[2 * bins];
            double[] y = new double[2 * bins];
            for (int b = 0; b < bins; b++) {
                x[2 * b] = lo + b * w;
                x[2 * b + 1] = lo + (b + 1) * w;
                y[2 * b] = counts[b];
                y[2 * b + 1] = counts[b];
                ymax = Math.max(ymax, counts[b]);
            }
            series.put(e.getKey() + " (n=" + e.getValue().length + ")", new double[][] {x, y});
        }
        for (Map.Entry<String, Double> v : verticals.entrySet()) {
            double t = logX ? Math.log10(Math.max(v.getValue(), 1e-12)) : v.getValue();
            series.put(v.getKey(), new double[][] {{t, t}, {0, ymax}});
        }
        return lines(file, title, logX ? "log10(" + xLabel + ")" : xLabel, "count", series, false);
    }

    /** A labelled confusion matrix drawn with Java2D (rows = actual, columns = predicted). */
    public static Path confusion(Path file, String title, String[] labels, long[][] m) throws IOException {
        int n = labels.length;
        int cell = n > 2 ? 110 : 160;
        int left = 150, top = 90;
        int w = left + n * cell + 40, h = top + n * cell + 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 10, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("predicted →", left, top - 35);
        g.drawString("actual ↓", 10, top - 10);
        long max = 1;
        for (long[] r : m) for (long v : r) max = Math.max(max, v);
        for (int i = 0; i < n; i++) {
            g.setColor(Color.BLACK);
            g.drawString(labels[i], left + i * cell + 8, top - 12);
            g.drawString(labels[i], 10, top + i * cell + cell / 2);
            long rowSum = 0;
            for (long v : m[i]) rowSum += v;
            for (int j = 0; j < n; j++) {
                float f = (float) Math.sqrt((double) m[i][j] / max);
                g.setColor(new Color(1 - 0.8f * f, 1 - 0.5f * f, 1f));
                g.fillRect(left + j * cell, top + i * cell, cell - 2, cell - 2);
                g.setColor(f > 0.6 ? Color.WHITE : Color.BLACK);
                String pct = rowSum == 0 ? "" : String.format(" (%.1f%%)", 100.0 * m[i][j] / rowSum);
                g.drawString(m[i][j] + pct, left + j * cell + 8, top + i * cell + cell / 2);
            }
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    private static Path save(XYChart c, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String base = file.toString().endsWith(".png") ? file.toString().substring(0, file.toString().length() - 4)
                : file.toString();
        BitmapEncoder.saveBitmap(c, base, BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** Downsamples (x, y) to at most {@code max} points by striding, for readable timelines. */
    public static double[][] stride(double[] x, double[] y, int max) {
        int step = Math.max(1, x.length / max);
        int n = (x.length + step - 1) / step;
        double[][] out = new double[2][n];
        for (int i = 0, k = 0; i < x.length && k < n; i += step, k++) {
            out[0][k] = x[i];
            out[1][k] = y[i];
        }
        return out;
    }
}
