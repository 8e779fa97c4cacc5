/**
 * Where training data comes from: the seeded synthetic generators (links, nodes, consensus clusters,
 * degradation series; distributions documented on each), the bundled throughput traces (also as degradation
 * series with drawn floors, {@code RealDegradation}), NAB series and the
 * operators' CSV reader ({@code DwcpCsv}), and the series records they produce ({@code LinkSeries},
 * {@code NodeSeries}, ...; {@code DegradationSeries.Slo} is also the SLO the agent passes to the
 * forecaster). Depends only on {@code features}.
 */
package io.dwcp.models.data;
