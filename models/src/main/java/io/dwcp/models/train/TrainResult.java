package io.dwcp.models.train;

import java.nio.file.Path;
import java.util.Map;

/** Outcome of one trainer: where the artifact is, its test metrics and whether targets were met. Immutable. */
public record TrainResult(String model, Path artifactDir, boolean targetMet, Map<String, Object> metrics,
                          Map<String, Object> targetSpec, double seconds, String summary) {}
