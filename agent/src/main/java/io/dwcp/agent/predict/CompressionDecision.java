package io.dwcp.agent.predict;

/**
 * One served codec decision. {@code codec} (Go v3 enum ordinal), {@code level}, {@code expectedGain} (fraction of
 * the uncompressed transfer time saved) and {@code confidence} are what is served; {@code source} says who chose
 * it ({@link #MODEL}, or {@link #ORACLE} when the model's own choice was slower than sending uncompressed, or, under a
 * learnt host codec profile, lost more than the tolerance against the oracle, and the oracle's was served instead);
 * {@code modelCodec} is the model's own choice, {@code oracleCodec} the oracle's under the codec profile judged by (the
 * host's once learnt, else the model's), {@code modelRegret} the time the model's choice loses against the oracle's as a
 * fraction of the oracle's time (issue 15).
 */
public record CompressionDecision(int codec, int level, double expectedGain, double confidence, String source,
                                  int modelCodec, int oracleCodec, double modelRegret) {
    public static final String MODEL = "model", ORACLE = "oracle";

    /**
     * A decision by a predictor that is its own oracle: the analytic baseline minimises its own cost model, so its
     * choice is the oracle's under that model (agreement 1, regret 0).
     */
    public CompressionDecision(int codec, int level, double expectedGain, double confidence) {
        this(codec, level, expectedGain, confidence, MODEL, codec, codec, 0);
    }

    public boolean fellBack() {
        return ORACLE.equals(source);
    }
}
