// Package dwcpagent is the Go client of the dwcp-agent ML sidecar: the DWCP node uses it to read the
// agent's prediction stream and to call its four inference methods over the agent's Unix domain socket
// (default /run/dwcp-agent/agent.sock). The wire protocol, newline-delimited JSON, is specified in
// agent/PROTOCOL.md of the dwcp-agent repository; this package implements version 1.
//
// A Client holds one connection and keeps it: when the agent restarts, the client reconnects with
// exponential back-off, re-sends its subscription, and retries calls that were cut off (all four
// inference calls are side-effect free). Stream events missed while disconnected are not replayed.
//
// Typical use:
//
//	c, err := dwcpagent.Dial(ctx, "/run/dwcp-agent/agent.sock", nil)
//	if err != nil { ... }
//	defer c.Close()
//	sub := c.Subscribe(256, dwcpagent.TypeBandwidthPrediction, dwcpagent.TypeAnomaly)
//	defer sub.Close()
//	for ev := range sub.C {
//		switch e := ev.(type) {
//		case *dwcpagent.BandwidthPrediction: ...
//		case *dwcpagent.Anomaly: ...
//		}
//	}
//
// After a transfer whose codec the agent chose, the node reports what it really cost with
// MetricsSender.SendTransferOutcome (measurement dwcp_transfer_outcome, sent over UDP to the agent's
// metrics port like every other measurement), so that the agent learns this host's codec speeds and ratios:
//
//	m, err := dwcpagent.DialMetrics(dwcpagent.DefaultIngestAddr)
//	if err != nil { ... }
//	defer m.Close()
//	err = m.SendTransferOutcome(dwcpagent.TransferOutcome{NodeID: "a", PeerID: "b", Codec: choice.Codec,
//		Level: choice.Level, BytesIn: n, BytesOut: sent, Compress: took, Wire: wire, CPUUsage: 0.3,
//		EntropyBitsPerByte: -1}) // -1: the link's dwcp_transfer hint applies
//
// The process needs read/write access to the socket (mode 0660, group dwcp-agent): run it as a member of
// that group.
//
// A Client is safe for concurrent use by multiple goroutines; requests on one connection are answered in
// any order and matched by request id.
package dwcpagent
