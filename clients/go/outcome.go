package dwcpagent

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"time"
)

// DefaultIngestAddr is where the packaged agent reads measurements (dwcp.ingest.host and dwcp.ingest.port).
const DefaultIngestAddr = "127.0.0.1:8094"

// TransferOutcome is what a finished transfer actually did, reported so that the agent learns this host's
// real codec costs (measurement dwcp_transfer_outcome, agent/PROTOCOL.md). Report every transfer whose
// codec the agent chose, codec none included.
type TransferOutcome struct {
	NodeID, PeerID string // the link, as in the dwcp_transfer sample the choice was made for
	Codec          Codec  // the codec the transfer used
	Level          int    // its level: 3 for zstd, 19 for zstd-max, 6 for brotli, 0 for none and lz4
	BytesIn        int64  // payload size before compression, > 0
	BytesOut       int64  // bytes sent after compression, > 0 (BytesIn for none)
	// Compress is the sender's compression time; Decompress the receiver's decompression time, zero when
	// not known (a real zero teaches the agent nothing either: it ignores times under 100 µs).
	Compress, Decompress time.Duration
	Wire                 time.Duration // time on the wire
	CPUUsage             float64       // sender CPU busy share 0..1 while it compressed
	// EntropyBitsPerByte is the sender's compressibility hint (0..8); negative or NaN leaves it out, and the
	// agent uses the link's last dwcp_transfer hint instead.
	EntropyBitsPerByte float64
	// Timestamp is when the transfer finished; zero means the arrival time.
	Timestamp time.Time
}

// outcomeWire is TransferOutcome as the agent's JSON ingest reads it.
type outcomeWire struct {
	Type         string   `json:"type"`
	NodeID       string   `json:"node_id"`
	PeerID       string   `json:"peer_id"`
	Timestamp    int64    `json:"timestamp,omitempty"`
	Codec        string   `json:"codec"`
	Level        int      `json:"level"`
	BytesIn      int64    `json:"bytes_in"`
	BytesOut     int64    `json:"bytes_out"`
	CompressUs   float64  `json:"compress_us"`
	DecompressUs *float64 `json:"decompress_us,omitempty"`
	WireSeconds  float64  `json:"wire_seconds"`
	CPUUsage     float64  `json:"cpu_usage"`
	Entropy      *float64 `json:"entropy_bits_per_byte,omitempty"`
}

// Validate reports what the agent would refuse in o (agent/PROTOCOL.md "dwcp_transfer_outcome"), so a
// sender learns it at once rather than from the agent's dwcp_ingest_rejected_total counter. The agent
// also refuses times that imply impossible speeds; those are not checked here.
func (o TransferOutcome) Validate() error {
	switch {
	case o.NodeID == "" || o.PeerID == "":
		return errors.New("dwcpagent: transfer outcome needs NodeID and PeerID")
	case o.Codec < CodecNone || o.Codec > CodecBrotli:
		return fmt.Errorf("dwcpagent: transfer outcome: unknown codec %d", int(o.Codec))
	case o.BytesIn <= 0 || o.BytesOut <= 0:
		return fmt.Errorf("dwcpagent: transfer outcome: sizes must be > 0 (bytes in %d, out %d)", o.BytesIn, o.BytesOut)
	case o.Compress < 0 || o.Decompress < 0 || o.Wire < 0:
		return fmt.Errorf("dwcpagent: transfer outcome: negative time (compress %v, decompress %v, wire %v)",
			o.Compress, o.Decompress, o.Wire)
	case !(o.CPUUsage >= 0 && o.CPUUsage <= 1):
		return fmt.Errorf("dwcpagent: transfer outcome: cpu usage %v outside 0..1", o.CPUUsage)
	case o.EntropyBitsPerByte > 8:
		return fmt.Errorf("dwcpagent: transfer outcome: entropy %v bits/byte above 8", o.EntropyBitsPerByte)
	}
	return nil
}

func (o TransferOutcome) wire() outcomeWire {
	w := outcomeWire{Type: "dwcp_transfer_outcome", NodeID: o.NodeID, PeerID: o.PeerID, Codec: o.Codec.String(),
		Level: o.Level, BytesIn: o.BytesIn, BytesOut: o.BytesOut,
		CompressUs:  float64(o.Compress) / float64(time.Microsecond),
		WireSeconds: o.Wire.Seconds(), CPUUsage: o.CPUUsage}
	if !o.Timestamp.IsZero() {
		w.Timestamp = o.Timestamp.UnixMilli()
	}
	if o.Decompress > 0 {
		d := float64(o.Decompress) / float64(time.Microsecond)
		w.DecompressUs = &d
	}
	if o.EntropyBitsPerByte >= 0 && !math.IsNaN(o.EntropyBitsPerByte) {
		e := o.EntropyBitsPerByte
		w.Entropy = &e
	}
	return w
}

// MetricsSender sends measurements to the agent's UDP ingest port, one JSON datagram each. UDP cannot
// push back: a datagram the agent refuses or loses is counted by the agent (dwcp_ingest_rejected_total,
// dwcp_ingest_kernel_drops_total), not reported here. Safe for concurrent use.
type MetricsSender struct {
	conn net.Conn
}

// DialMetrics prepares a sender to addr ("host:port", e.g. DefaultIngestAddr). No packet is sent.
func DialMetrics(addr string) (*MetricsSender, error) {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("dwcpagent: metrics to %s: %w", addr, err)
	}
	return &MetricsSender{conn: c}, nil
}

// SendTransferOutcome reports one finished transfer. It returns Validate's error without sending, or the
// socket's error.
func (s *MetricsSender) SendTransferOutcome(o TransferOutcome) error {
	if err := o.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(o.wire())
	if err != nil {
		return err
	}
	_, err = s.conn.Write(b)
	return err
}

// Close releases the socket.
func (s *MetricsSender) Close() error { return s.conn.Close() }
