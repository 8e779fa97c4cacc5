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
// The process needs read/write access to the socket (mode 0660, group dwcp-agent): run it as a member of
// that group.
//
// A Client is safe for concurrent use by multiple goroutines; requests on one connection are answered in
// any order and matched by request id.
package dwcpagent
