package dwcpagent_test

import (
	"context"
	"log"
	"time"

	dwcpagent "github.com/dwcp/dwcp-agent/clients/go"
)

// The DWCP node connects once, follows the prediction stream and asks for a codec before each transfer.
// (Not run by `go test`: it needs a running agent; the package's tests start a real one.)
func Example() {
	ctx := context.Background()
	dialCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := dwcpagent.Dial(dialCtx, dwcpagent.DefaultSocketPath, &dwcpagent.Options{Logf: log.Printf})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	sub := c.Subscribe(256, dwcpagent.TypeBandwidthPrediction, dwcpagent.TypeAnomaly)
	defer sub.Close()
	go func() {
		for ev := range sub.C {
			switch e := ev.(type) {
			case *dwcpagent.BandwidthPrediction:
				log.Printf("%s→%s: %.0f Mbit/s expected until %s", e.NodeID, e.PeerID, e.PredictedBandwidthMbps, e.ValidUntil)
			case *dwcpagent.Anomaly:
				log.Printf("node %s: %s anomaly in %s", e.NodeID, e.Severity, e.MetricName)
			}
		}
	}()

	callCtx, cancelCall := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelCall()
	choice, err := c.SelectCompression(callCtx, dwcpagent.CompressionFeatures{
		BandwidthMbps: 100, RTTMs: 40, LinkType: dwcpagent.LinkWAN,
		PayloadBytes: 64 << 20, EntropyBitsPerByte: 4.5, CPUUsage: 0.3,
	})
	if err != nil {
		log.Printf("no advice, sending uncompressed: %v", err)
		return
	}
	log.Printf("compress with %s level %d (%.0f%% faster)", choice.CodecName, choice.Level, 100*choice.ExpectedGain)
}
