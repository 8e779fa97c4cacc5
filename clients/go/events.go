package dwcpagent

import (
	"encoding/json"
	"time"
)

// Stream event types (the "type" field on the wire).
const (
	TypeBandwidthPrediction    = "bandwidth_prediction"
	TypeCompressionChoice      = "compression_choice"
	TypeAnomaly                = "anomaly"
	TypeLatencyAnomaly         = "latency_anomaly"
	TypeTransferRecommendation = "transfer_recommendation"
	TypeDegradation            = "degradation_forecast"
)

// Event is one object of the agent's stream: *BandwidthPrediction, *CompressionChoice, *Anomaly,
// *LatencyResult, *TransferRecommendation, *DegradationForecast, or *UnknownEvent for a type this package does not know (the protocol lets the agent add
// types without changing its version).
type Event interface {
	// EventType is the wire "type", e.g. TypeBandwidthPrediction.
	EventType() string
}

// BandwidthPrediction is the next-step forecast for one link (node → peer); streamed for every link sample
// once the link's window is full, and the result of Client.PredictBandwidth. NodeID and PeerID are empty
// in replies to a request that gave a window.
type BandwidthPrediction struct {
	V                      int       `json:"v"`
	NodeID                 string    `json:"node_id,omitempty"`
	PeerID                 string    `json:"peer_id,omitempty"`
	PredictedBandwidthMbps float64   `json:"predicted_bandwidth_mbps"`
	PredictedLatencyMs     float64   `json:"predicted_latency_ms"`
	PredictedPacketLoss    float64   `json:"predicted_packet_loss"`
	PredictedJitterMs      float64   `json:"predicted_jitter_ms"`
	Confidence             float64   `json:"confidence"`
	ValidUntil             time.Time `json:"valid_until"`
	ModelVersion           string    `json:"model_version"`
	PredictionTime         time.Time `json:"prediction_time"`
	SampleTimestamp        time.Time `json:"sample_timestamp"`
	// Source is the predictor serving this link: "model", "last_value", "harmonic_mean5", "ewma", "median3"
	// (median of model, last value and harmonic mean of 5) or "min_model_last" (the model's forecast, never
	// above the last value), whichever had the lowest recent error on the link (PredictedBandwidthMbps is its
	// forecast).
	Source string `json:"source"`
	// RecentMAPE is Source's mean absolute percentage error over the link's recent steps; nil until scored.
	RecentMAPE *float64 `json:"recent_mape,omitempty"`
	// LowerBandwidthMbps and UpperBandwidthMbps bound the next value at IntervalCoverage (e.g. 0.8 = p10-p90),
	// calibrated on the link's own recent errors; nil when the forecast is 0.
	LowerBandwidthMbps *float64 `json:"lower_bandwidth_mbps,omitempty"`
	UpperBandwidthMbps *float64 `json:"upper_bandwidth_mbps,omitempty"`
	IntervalCoverage   float64  `json:"interval_coverage"`
}

// EventType implements Event.
func (*BandwidthPrediction) EventType() string { return TypeBandwidthPrediction }

// Codec is the DWCP v3 compression codec enum.
type Codec int

// The codecs, numbered as on the wire.
const (
	CodecNone Codec = iota
	CodecLZ4
	CodecZstd
	CodecZstdMax
	CodecBrotli
)

// String returns the wire codec_name.
func (c Codec) String() string {
	switch c {
	case CodecNone:
		return "none"
	case CodecLZ4:
		return "lz4"
	case CodecZstd:
		return "zstd"
	case CodecZstdMax:
		return "zstd-max"
	case CodecBrotli:
		return "brotli"
	}
	return "unknown"
}

// CompressionChoice is the codec chosen for a transfer; streamed for every transfer record, and the result
// of Client.SelectCompression.
type CompressionChoice struct {
	V              int       `json:"v"`
	NodeID         string    `json:"node_id,omitempty"`
	PeerID         string    `json:"peer_id,omitempty"`
	Codec          Codec     `json:"codec"`
	CodecName      string    `json:"codec_name"`
	Level          int       `json:"level"`
	ExpectedGain   float64   `json:"expected_gain"`
	Confidence     float64   `json:"confidence"`
	ModelVersion   string    `json:"model_version"`
	PredictionTime time.Time `json:"prediction_time"`
	// Source is who chose Codec: "model", or "oracle" when the model's own choice was slower than sending
	// uncompressed by its codec profile and the profile's fastest codec was served instead. Empty from agents
	// older than the field (read it as "model").
	Source string `json:"source,omitempty"`
}

// EventType implements Event.
func (*CompressionChoice) EventType() string { return TypeCompressionChoice }

// Anomaly is a node-reliability verdict; streamed only when IsAnomaly, and the result of
// Client.DetectAnomaly (also when not anomalous). Severity is "none", "warning", "critical" or
// "emergency".
type Anomaly struct {
	V            int       `json:"v"`
	NodeID       string    `json:"node_id,omitempty"`
	MetricName   string    `json:"metric_name"`
	Value        float64   `json:"value"`
	Expected     float64   `json:"expected"`
	Deviation    float64   `json:"deviation"`
	Severity     string    `json:"severity"`
	Confidence   float64   `json:"confidence"`
	Score        float64   `json:"score"`
	IsAnomaly    bool      `json:"is_anomaly"`
	ModelType    string    `json:"model_type"`
	ModelVersion string    `json:"model_version"`
	Timestamp    time.Time `json:"timestamp"`
}

// EventType implements Event.
func (*Anomaly) EventType() string { return TypeAnomaly }

// LatencyResult is a consensus-latency verdict (wire type "latency_anomaly"); streamed only when
// IsAnomaly, and the result of Client.DetectHighLatency. Contributions maps feature name to its share of
// the reconstruction error (summing to 1).
type LatencyResult struct {
	V                   int                `json:"v"`
	NodeID              string             `json:"node_id,omitempty"`
	IsAnomaly           bool               `json:"is_anomaly"`
	ReconstructionError float64            `json:"reconstruction_error"`
	Threshold           float64            `json:"threshold"`
	Severity            string             `json:"severity"`
	Confidence          float64            `json:"confidence"`
	Contributions       map[string]float64 `json:"contributions"`
	ModelVersion        string             `json:"model_version"`
	Timestamp           time.Time          `json:"timestamp"`
}

// EventType implements Event.
func (*LatencyResult) EventType() string { return TypeLatencyAnomaly }

// TransferRecommendation is what to apply to bulk transfers on one link, computed from its bandwidth
// forecast: open ParallelStreams TCP streams with SocketBufferBytes send/receive buffers each, and compress
// with CompressionCodec/CompressionLevel when set. Streamed when the advice for the link changes, and the
// result of Client.RecommendTransfer. Given only when the forecast's Confidence reached the agent's floor.
type TransferRecommendation struct {
	V                 int     `json:"v"`
	NodeID            string  `json:"node_id"`
	PeerID            string  `json:"peer_id"`
	ParallelStreams   int     `json:"parallel_streams"`
	SocketBufferBytes int64   `json:"socket_buffer_bytes"`
	BDPBytes          float64 `json:"bdp_bytes"`
	PerStreamMbps     float64 `json:"per_stream_mbps"`
	LimitedBy         string  `json:"limited_by"` // "none", "window" or "loss"
	StreamsCapped     bool    `json:"streams_capped"`
	CompressionCodec  string  `json:"compression_codec,omitempty"`
	CompressionLevel  *int    `json:"compression_level,omitempty"`
	// SizingBandwidthMbps is what buffer and streams were sized from: the forecast's interval lower bound.
	SizingBandwidthMbps    float64   `json:"sizing_bandwidth_mbps"`
	PredictedBandwidthMbps float64   `json:"predicted_bandwidth_mbps"`
	PredictedLatencyMs     float64   `json:"predicted_latency_ms"`
	PredictedPacketLoss    float64   `json:"predicted_packet_loss"`
	PredictedJitterMs      float64   `json:"predicted_jitter_ms"`
	Confidence             float64   `json:"confidence"`
	ModelVersion           string    `json:"model_version"`
	PredictionTime         time.Time `json:"prediction_time"`
	SampleTimestamp        time.Time `json:"sample_timestamp"`
}

// EventType implements Event.
func (*TransferRecommendation) EventType() string { return TypeTransferRecommendation }

// DegradationForecast is a link's performance-degradation forecast (wire type "degradation_forecast"):
// the probability that the SLO is breached within the next HorizonSteps link samples, the warning
// (IsDegrading: Probability >= Threshold), forecast latency / throughput / error rate for steps
// 1..HorizonSteps, and the input steps the model attended to most (StepsAgo 0 = newest; empty for the
// trend baseline). Streamed when a link's warning turns on or off and every dwcp.degradation.stream-every
// windows; the result of Client.PredictDegradation.
type DegradationForecast struct {
	V                      int             `json:"v"`
	NodeID                 string          `json:"node_id,omitempty"`
	PeerID                 string          `json:"peer_id,omitempty"`
	Probability            float64         `json:"probability"`
	IsDegrading            bool            `json:"is_degrading"`
	Threshold              float64         `json:"threshold"`
	SLO                    SLO             `json:"slo"`
	HorizonSteps           int             `json:"horizon_steps"`
	ForecastLatencyMs      []float64       `json:"forecast_latency_ms"`
	ForecastThroughputMbps []float64       `json:"forecast_throughput_mbps"`
	ForecastErrorRate      []float64       `json:"forecast_error_rate"`
	Attention              []AttentionStep `json:"attention"`
	Confidence             float64         `json:"confidence"`
	ModelVersion           string          `json:"model_version"`
	PredictionTime         time.Time       `json:"prediction_time"`
	SampleTimestamp        time.Time       `json:"sample_timestamp"`
	// Source is who the figures come from: "model" or "trend", whichever scored better on this link recently.
	Source string `json:"source"`
	// RecentBrier is Source's mean Brier score on the link's recent scored forecasts; nil until scored.
	RecentBrier *float64 `json:"recent_brier,omitempty"`
}

// SLO is a link service-level objective: latency ceiling, throughput floor and error-rate (packet loss)
// ceiling, each judged on a 5-sample mean. Zero fields in a request keep the agent's configured value.
type SLO struct {
	LatencyMs      float64 `json:"latency_ms,omitempty"`
	ThroughputMbps float64 `json:"throughput_mbps,omitempty"`
	ErrorRate      float64 `json:"error_rate,omitempty"`
}

// AttentionStep is one input step of a degradation forecast and its attention weight.
type AttentionStep struct {
	StepsAgo int     `json:"steps_ago"`
	Weight   float64 `json:"weight"`
}

// EventType implements Event.
func (*DegradationForecast) EventType() string { return TypeDegradation }

// UnknownEvent carries a stream object of a type this package does not know, undecoded.
type UnknownEvent struct {
	Type string
	Raw  json.RawMessage
}

// EventType implements Event.
func (e *UnknownEvent) EventType() string { return e.Type }

// decodeEvent decodes one stream object by its type.
func decodeEvent(typ string, raw []byte) (Event, error) {
	var ev Event
	switch typ {
	case TypeBandwidthPrediction:
		ev = &BandwidthPrediction{}
	case TypeCompressionChoice:
		ev = &CompressionChoice{}
	case TypeAnomaly:
		ev = &Anomaly{}
	case TypeLatencyAnomaly:
		ev = &LatencyResult{}
	case TypeTransferRecommendation:
		ev = &TransferRecommendation{}

	case TypeDegradation:
		ev = &DegradationForecast{}
	default:
		return &UnknownEvent{Type: typ, Raw: append(json.RawMessage(nil), raw...)}, nil
	}
	if err := json.Unmarshal(raw, ev); err != nil {
		return nil, err
	}
	return ev, nil
}
