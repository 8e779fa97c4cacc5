package dwcpagent

import (
	"net"
	"testing"
)

// Issue 17 item 2: an event the client cannot decode (the agent once streamed "expected_gain":"NaN") must be
// counted where its user can see it, not only logged. No agent needed: the read loop reads a pipe.
func TestUndecodableLinesAreCounted(t *testing.T) {
	c := &Client{opts: (*Options)(nil).withDefaults(), subs: make(map[*Subscription]struct{})}
	sub := c.Subscribe(8)
	agent, mine := net.Pipe()
	cn := &conn{nc: mine, pending: make(map[string]chan reply)}
	done := make(chan error, 1)
	go func() { done <- c.read(cn) }()
	lines := `{"v":1,"type":"compression_choice","node_id":"a","peer_id":"b","codec":4,"expected_gain":"NaN"}` + "\n" +
		"not json\n" +
		`{"v":1,"type":"compression_choice","node_id":"a","peer_id":"b","codec":4,"expected_gain":null}` + "\n"
	if _, err := agent.Write([]byte(lines)); err != nil {
		t.Fatal(err)
	}
	agent.Close()
	<-done
	if got := c.Undecodable(); got != 2 {
		t.Fatalf("Undecodable() = %d, want 2", got)
	}
	select {
	case ev := <-sub.C:
		if cc, ok := ev.(*CompressionChoice); !ok || cc.Codec != 4 || cc.ExpectedGain != 0 {
			t.Fatalf("the event with a null number should decode (null = no value), got %#v", ev)
		}
	default:
		t.Fatal("the decodable event was not delivered")
	}
}
