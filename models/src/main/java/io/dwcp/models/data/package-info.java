/** Synthetic DWCP generators (time series, documented distributions) and readers for traces, NAB series and operator CSVs. */
package io.dwcp.models.data;
