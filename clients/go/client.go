package dwcpagent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultSocketPath is where the packaged agent listens (systemd RuntimeDirectory=dwcp-agent).
const DefaultSocketPath = "/run/dwcp-agent/agent.sock"

// ErrClosed is returned by calls on a Client after Close.
var ErrClosed = errors.New("dwcpagent: client closed")

// ErrDisconnected is returned by a call whose connection broke before the reply arrived and whose context
// ended before a retry on a new connection could answer.
var ErrDisconnected = errors.New("dwcpagent: disconnected from agent")

// Error is an error reply from the agent, e.g. Code "bad_request" or "overloaded"
// (see agent/PROTOCOL.md for the codes).
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return "dwcpagent: agent error " + e.Code + ": " + e.Message }

// Error codes (agent/PROTOCOL.md "Requests"): Error.Code is one of these.
const (
	CodeBadRequest       = "bad_request"        // the request is malformed; fix it
	CodeUnknownMethod    = "unknown_method"     // the agent does not answer that method
	CodeDuplicateID      = "duplicate_id"       // a request with the same id is in flight on the connection
	CodeRequestTooLarge  = "request_too_large"  // the line exceeds dwcp.socket.max-request-bytes
	CodeUnknownLink      = "unknown_link"       // no samples of the link yet (or evicted): send samples or a window
	CodeUnknownNode      = "unknown_node"       // no samples of the node yet (or evicted)
	CodeWindowNotFull    = "window_not_full"    // the link's or node's window is not full yet
	CodeNoRecommendation = "no_recommendation"  // RecommendTransfer: no confident forecast for the link yet
	CodeDisabled         = "disabled"           // the feature is switched off in the agent's configuration
	CodeTooManyInFlight  = "too_many_in_flight" // more unanswered requests than the agent allows per connection
	CodeTooManyClients   = "too_many_clients"   // every named-reader slot is connected
	CodeOverloaded       = "overloaded"         // a queue in the agent is full: retry with back-off
	CodeInferenceFailed  = "inference_failed"   // the model failed this batch
	CodeUnavailable      = "unavailable"        // models not loaded yet
	CodeShuttingDown     = "shutting_down"      // the agent is stopping
	CodeInternal         = "internal"           // a bug in the agent
)

// Options tunes a Client. The zero value (or nil) gives the defaults.
type Options struct {
	// MinBackoff and MaxBackoff bound the exponential reconnect delay (defaults 100 ms and 5 s); each
	// delay is jittered by up to ±20 %.
	MinBackoff, MaxBackoff time.Duration
	// DialTimeout bounds one connection attempt (default 2 s).
	DialTimeout time.Duration
	// MaxLineBytes is the longest line accepted from the agent (default 1 MiB).
	MaxLineBytes int
	// Logf, if set, receives connection state changes (connected, lost, reconnect attempts).
	Logf func(format string, args ...interface{})
	// ClientName, if set, makes this client a named reader (agent/PROTOCOL.md "Named readers"): the agent
	// keeps this name's stream events while the client is disconnected (up to dwcp.socket.backlog-events)
	// and, on reconnect, writes every kept event after the last one this client received, once and in
	// order. Events the agent could not keep are counted by it and reported here by Missed. Give each
	// reading process its own stable name.
	ClientName string
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.MinBackoff <= 0 {
		r.MinBackoff = 100 * time.Millisecond
	}
	if r.MaxBackoff < r.MinBackoff {
		r.MaxBackoff = 5 * time.Second
		if r.MaxBackoff < r.MinBackoff {
			r.MaxBackoff = r.MinBackoff
		}
	}
	if r.DialTimeout <= 0 {
		r.DialTimeout = 2 * time.Second
	}
	if r.MaxLineBytes <= 0 {
		r.MaxLineBytes = 1 << 20
	}
	if r.Logf == nil {
		r.Logf = func(string, ...interface{}) {}
	}
	return r
}

// Client is a connection to the agent that reconnects by itself. Safe for concurrent use.
type Client struct {
	path string
	opts Options

	mu      sync.Mutex
	conn    *conn         // nil while disconnected
	ready   chan struct{} // closed when conn becomes non-nil; replaced on disconnect
	subs    map[*Subscription]struct{}
	closed  bool
	done    chan struct{}
	stopped chan struct{} // closed when the connection loop has exited

	subMu       sync.Mutex // orders subscribe updates
	nextID      uint64
	connections uint64 // how many times a connection was established (for tests and metrics)
	undecodable uint64 // lines from the agent that could not be decoded and were dropped (Undecodable)

	// Named readers only, guarded by seqMu: the newest seq received, how many seqs were skipped (dropped
	// and counted by the agent), and the id of the subscribe request in flight, whose reply says where
	// the agent's stream continues.
	seqMu   sync.Mutex
	lastSeq uint64
	missed  uint64
	helloID string
}

// conn is one live connection: its writer (serialised) and its in-flight requests.
type conn struct {
	nc      net.Conn
	writeMu sync.Mutex
	mu      sync.Mutex
	pending map[string]chan reply
	dead    bool
}

type reply struct {
	result json.RawMessage
	err    error
}

// Dial connects to the agent's socket, retrying with back-off until ctx ends, and returns a Client that
// keeps the connection (reconnecting after agent restarts) until Close. opts may be nil.
func Dial(ctx context.Context, socketPath string, opts *Options) (*Client, error) {
	c := &Client{
		path:    socketPath,
		opts:    opts.withDefaults(),
		ready:   make(chan struct{}),
		subs:    make(map[*Subscription]struct{}),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go c.loop()
	select {
	case <-c.readyChan():
		return c, nil
	case <-ctx.Done():
		c.Close()
		return nil, fmt.Errorf("dwcpagent: connect to %s: %w", socketPath, ctx.Err())
	}
}

// Close stops reconnecting, closes the connection, fails calls in flight with ErrClosed and closes every
// subscription's channel.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.done)
	cn := c.conn
	subs := c.subs
	c.subs = map[*Subscription]struct{}{}
	c.mu.Unlock()
	if cn != nil {
		cn.nc.Close()
	}
	<-c.stopped
	for s := range subs {
		s.closeChan()
	}
	return nil
}

// Connections reports how many times the client has connected (1 after Dial; +1 per reconnect).
func (c *Client) Connections() uint64 { return atomic.LoadUint64(&c.connections) }

// Undecodable is how many lines from the agent this client could not decode and dropped (not JSON, or a
// stream event whose fields do not match their documented types). The agent counted them as written, so
// a non-zero value means lost events: export it beside your own metrics.
func (c *Client) Undecodable() uint64 { return atomic.LoadUint64(&c.undecodable) }

func (c *Client) readyChan() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ready
}

// loop connects, reads until the connection breaks, and reconnects with back-off, until Close.
func (c *Client) loop() {
	defer close(c.stopped)
	attempt := 0
	for {
		nc, err := net.DialTimeout("unix", c.path, c.opts.DialTimeout)
		if err != nil {
			delay := backoff(c.opts.MinBackoff, c.opts.MaxBackoff, attempt)
			if attempt == 0 || attempt%10 == 0 {
				c.opts.Logf("dwcpagent: connect %s: %v (retrying in %v)", c.path, err, delay)
			}
			attempt++
			select {
			case <-c.done:
				return
			case <-time.After(delay):
			}
			continue
		}
		attempt = 0
		cn := &conn{nc: nc, pending: make(map[string]chan reply)}
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			nc.Close()
			return
		}
		c.conn = cn
		close(c.ready)
		c.mu.Unlock()
		atomic.AddUint64(&c.connections, 1)
		c.opts.Logf("dwcpagent: connected to %s", c.path)

		// A new connection receives every event type until told otherwise; narrow it to what the
		// subscriptions want (nothing, when there are none). The reply is read by the loop below.
		go c.sendSubscribe(cn)

		err = c.read(cn)

		c.mu.Lock()
		c.conn = nil
		c.ready = make(chan struct{})
		closed := c.closed
		c.mu.Unlock()
		cn.fail(ErrDisconnected)
		if closed {
			return
		}
		c.opts.Logf("dwcpagent: connection to %s lost: %v", c.path, err)
		select {
		case <-c.done:
			return
		case <-time.After(backoff(c.opts.MinBackoff, c.opts.MaxBackoff, 0)):
		}
	}
}

func backoff(min, max time.Duration, attempt int) time.Duration {
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	jitter := time.Duration((rand.Float64()*0.4 - 0.2) * float64(d))
	return d + jitter
}

// read dispatches lines from one connection until it fails.
func (c *Client) read(cn *conn) error {
	r := bufio.NewReaderSize(cn.nc, 64*1024)
	for {
		line, err := readLine(r, c.opts.MaxLineBytes)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			continue
		}
		var head struct {
			Type   string          `json:"type"`
			ID     *string         `json:"id"`
			Seq    *uint64         `json:"seq"`
			Result json.RawMessage `json:"result"`
			Error  *Error          `json:"error"`
		}
		if err := json.Unmarshal(line, &head); err != nil {
			atomic.AddUint64(&c.undecodable, 1)
			c.opts.Logf("dwcpagent: ignoring undecodable line: %v", err)
			continue
		}
		switch head.Type {
		case "reply", "error":
			if head.ID == nil {
				if head.Error != nil {
					c.opts.Logf("dwcpagent: agent error without id: %v", head.Error)
				}
				continue
			}
			rep := reply{result: head.Result}
			if head.Type == "error" {
				if head.Error == nil {
					head.Error = &Error{Code: "internal", Message: "error reply without error object"}
				}
				rep.err = head.Error
			}
			if head.Type == "reply" {
				c.helloReply(*head.ID, head.Result)
			}
			cn.deliver(*head.ID, rep)
		default:
			if c.opts.ClientName != "" && !c.inSequence(head.Seq) {
				continue
			}
			ev, err := decodeEvent(head.Type, line)
			if err != nil {
				atomic.AddUint64(&c.undecodable, 1)
				c.opts.Logf("dwcpagent: ignoring undecodable %s event: %v", head.Type, err)
				continue
			}
			c.publish(ev)
		}
	}
}

// helloReply takes the position from the reply to a named subscribe, on the read loop, so that no event
// after it is judged against the previous position.
func (c *Client) helloReply(id string, result json.RawMessage) {
	if c.opts.ClientName == "" {
		return
	}
	c.seqMu.Lock()
	defer c.seqMu.Unlock()
	if id != c.helloID {
		return
	}
	var r struct {
		Resumed bool   `json:"resumed"`
		NextSeq uint64 `json:"next_seq"`
		Missed  uint64 `json:"missed"`
	}
	if json.Unmarshal(result, &r) != nil || r.NextSeq == 0 {
		return
	}
	if !r.Resumed {
		// The agent did not know the name (first connection, or it restarted): a new sequence.
		c.lastSeq = r.NextSeq - 1
		return
	}
	c.missed += r.Missed
	c.lastSeq = r.NextSeq - 1
}

// inSequence reports whether a named reader should deliver an event: events without seq were sent before
// the subscribe took effect (the agent's backlog holds them), seqs at or below the last are duplicates.
// A gap is what the agent dropped and counted.
func (c *Client) inSequence(seq *uint64) bool {
	if seq == nil {
		return false
	}
	c.seqMu.Lock()
	defer c.seqMu.Unlock()
	if *seq <= c.lastSeq {
		return false
	}
	if c.lastSeq > 0 || c.helloID != "" {
		c.missed += *seq - c.lastSeq - 1
	}
	c.lastSeq = *seq
	return true
}

// LastSeq is the newest event seq a named reader received (0: none yet).
func (c *Client) LastSeq() uint64 {
	c.seqMu.Lock()
	defer c.seqMu.Unlock()
	return c.lastSeq
}

// Missed is how many events a named reader will never receive: the agent dropped them (its backlog was
// full) and counted them in dwcp_socket_events_dropped_total. For a named reader, LastSeq() = events
// received + Missed(), whatever the disconnects.
func (c *Client) Missed() uint64 {
	c.seqMu.Lock()
	defer c.seqMu.Unlock()
	return c.missed
}

// readLine reads one '\n'-terminated line of at most max bytes; longer lines are skipped whole.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > max {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return nil, err
		}
		if tooLong {
			tooLong = false
			continue
		}
		return buf[:len(buf)-1], nil
	}
}

func (cn *conn) deliver(id string, rep reply) {
	cn.mu.Lock()
	ch, ok := cn.pending[id]
	delete(cn.pending, id)
	cn.mu.Unlock()
	if ok {
		ch <- rep // buffered 1
	}
}

func (cn *conn) fail(err error) {
	cn.nc.Close()
	cn.mu.Lock()
	cn.dead = true
	pending := cn.pending
	cn.pending = map[string]chan reply{}
	cn.mu.Unlock()
	for _, ch := range pending {
		ch <- reply{err: err}
	}
}

// send writes one request line and registers its reply channel.
func (cn *conn) send(ctx context.Context, id string, line []byte) (chan reply, error) {
	ch := make(chan reply, 1)
	cn.mu.Lock()
	if cn.dead {
		cn.mu.Unlock()
		return nil, ErrDisconnected
	}
	cn.pending[id] = ch
	cn.mu.Unlock()
	cn.writeMu.Lock()
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Time{}
	}
	cn.nc.SetWriteDeadline(dl)
	_, err := cn.nc.Write(line)
	cn.writeMu.Unlock()
	if err != nil {
		cn.forget(id)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A half-written line would corrupt the stream: start over on a new connection.
		cn.mu.Lock()
		cn.dead = true
		cn.mu.Unlock()
		cn.nc.Close()
		return nil, ErrDisconnected
	}
	return ch, nil
}

func (cn *conn) forget(id string) {
	cn.mu.Lock()
	delete(cn.pending, id)
	cn.mu.Unlock()
}

// call sends method(params) and decodes the result into out (if non-nil). It waits for a connection
// while disconnected, and retries once the connection is re-established if it broke with the request in
// flight or the agent answered shutting_down: the inference calls are side-effect free. The context
// bounds the whole call.
func (c *Client) call(ctx context.Context, method string, params interface{}, out interface{}) error {
	line, id, err := c.request(method, params)
	if err != nil {
		return err
	}
	for {
		cn, err := c.connected(ctx)
		if err != nil {
			return err
		}
		ch, err := cn.send(ctx, id, line)
		if err == ErrDisconnected {
			if err := c.waitReplaced(ctx, cn); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		var rep reply
		select {
		case rep = <-ch:
		case <-ctx.Done():
			cn.forget(id)
			return ctx.Err()
		case <-c.done:
			return ErrClosed
		}
		if rep.err == ErrDisconnected {
			if err := c.waitReplaced(ctx, cn); err != nil {
				return err
			}
			continue
		}
		var ae *Error
		if errors.As(rep.err, &ae) && ae.Code == "shutting_down" {
			// The agent is stopping; its successor will answer. Wait for the connection to drop.
			select {
			case <-ctx.Done():
				return rep.err
			case <-time.After(c.opts.MinBackoff):
			}
			continue
		}
		if rep.err != nil {
			return rep.err
		}
		if out != nil {
			if err := json.Unmarshal(rep.result, out); err != nil {
				return fmt.Errorf("dwcpagent: %s: decoding result: %w", method, err)
			}
		}
		return nil
	}
}

// request encodes one request line with a fresh id.
func (c *Client) request(method string, params interface{}) ([]byte, string, error) {
	id := strconv.FormatUint(atomic.AddUint64(&c.nextID, 1), 10)
	req := struct {
		ID     string      `json:"id"`
		Method string      `json:"method"`
		Params interface{} `json:"params,omitempty"`
	}{id, method, params}
	line, err := json.Marshal(req)
	if err != nil {
		return nil, "", fmt.Errorf("dwcpagent: %s: encoding params: %w", method, err)
	}
	return append(line, '\n'), id, nil
}

// waitReplaced waits until the client no longer uses the broken connection cn.
func (c *Client) waitReplaced(ctx context.Context, cn *conn) error {
	for {
		c.mu.Lock()
		cur := c.conn
		c.mu.Unlock()
		if cur != cn {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%v)", ErrDisconnected, ctx.Err())
		case <-c.done:
			return ErrClosed
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// connected returns the live connection, waiting for one while disconnected.
func (c *Client) connected(ctx context.Context) (*conn, error) {
	for {
		c.mu.Lock()
		cn, ready, closed := c.conn, c.ready, c.closed
		c.mu.Unlock()
		if closed {
			return nil, ErrClosed
		}
		if cn != nil {
			return cn, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (%v)", ErrDisconnected, ctx.Err())
		case <-c.done:
			return nil, ErrClosed
		}
	}
}

// Ping asks the agent for {"pong":true}: a cheap liveness check of the agent's request path.
func (c *Client) Ping(ctx context.Context) error {
	var r struct {
		Pong bool `json:"pong"`
	}
	if err := c.call(ctx, "ping", nil, &r); err != nil {
		return err
	}
	if !r.Pong {
		return errors.New("dwcpagent: ping: no pong")
	}
	return nil
}

// BandwidthRequest selects what PredictBandwidth forecasts from: a link the agent has been fed
// (NodeID and PeerID; its window must be full) or an explicit Window of rows
// [bandwidth_mbps, latency_ms, packet_loss, jitter_ms, time_of_day, day_of_week], oldest first.
type BandwidthRequest struct {
	NodeID string      `json:"node_id,omitempty"`
	PeerID string      `json:"peer_id,omitempty"`
	Window [][]float64 `json:"window,omitempty"`
}

// PredictBandwidth forecasts the next step of a link.
func (c *Client) PredictBandwidth(ctx context.Context, req BandwidthRequest) (*BandwidthPrediction, error) {
	var out BandwidthPrediction
	if err := c.call(ctx, "PredictBandwidth", req, &out); err != nil {
		return nil, err
	}
	// Agents up to 0.1.0 leave the link out of every reply; the caller named it, so fill it in.
	if out.NodeID == "" && req.Window == nil {
		out.NodeID, out.PeerID = req.NodeID, req.PeerID
	}
	return &out, nil
}

// LinkType is the DWCP link class used by SelectCompression.
type LinkType int

// Link types, numbered as on the wire.
const (
	LinkDC LinkType = iota
	LinkMetro
	LinkWAN
	LinkEdge
)

// CompressionFeatures describes a transfer for SelectCompression.
type CompressionFeatures struct {
	BandwidthMbps      float64
	RTTMs              float64
	LinkType           LinkType
	PayloadBytes       float64
	EntropyBitsPerByte float64 // 0..8, the sender's compressibility hint
	CPUUsage           float64 // 0..1
}

// SelectCompression chooses a codec and level for a transfer.
func (c *Client) SelectCompression(ctx context.Context, f CompressionFeatures) (*CompressionChoice, error) {
	params := struct {
		Features [6]float64 `json:"features"`
	}{[6]float64{f.BandwidthMbps, f.RTTMs, float64(f.LinkType), f.PayloadBytes, f.EntropyBitsPerByte, f.CPUUsage}}
	var out CompressionChoice
	if err := c.call(ctx, "SelectCompression", params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AnomalyRequest is what DetectAnomaly judges: Features (9 values in dwcp_node field order: uptime_pct,
// failure_rate, packet_loss, retransmits, error_budget_burn_rate, rtt_ms, cpu_usage, memory_usage,
// error_rate) and/or NodeID (judged against that node's recorded history), or a Window of such rows
// whose last row is judged.
type AnomalyRequest struct {
	NodeID   string      `json:"node_id,omitempty"`
	Features []float64   `json:"features,omitempty"`
	Window   [][]float64 `json:"window,omitempty"`
}

// DetectAnomaly judges a node's reliability metrics. The result is returned also when not anomalous.
func (c *Client) DetectAnomaly(ctx context.Context, req AnomalyRequest) (*Anomaly, error) {
	var out Anomaly
	if err := c.call(ctx, "DetectAnomaly", req, &out); err != nil {
		return nil, err
	}
	if out.NodeID == "" && req.Window == nil {
		out.NodeID = req.NodeID
	}
	return &out, nil
}

// LatencyRequest is what DetectHighLatency judges: a node's current consensus window (NodeID) or an
// explicit Window of 12-value rows in dwcp_consensus feature order.
type LatencyRequest struct {
	NodeID string      `json:"node_id,omitempty"`
	Window [][]float64 `json:"window,omitempty"`
}

// DetectHighLatency judges a node's consensus latency. The result is returned also when not anomalous.
func (c *Client) DetectHighLatency(ctx context.Context, req LatencyRequest) (*LatencyResult, error) {
	var out LatencyResult
	if err := c.call(ctx, "DetectHighLatency", req, &out); err != nil {
		return nil, err
	}
	if out.NodeID == "" && req.Window == nil {
		out.NodeID = req.NodeID
	}
	return &out, nil
}

// RecommendTransfer returns the latest transfer advice for a link (node → peer), computed from its latest
// bandwidth forecast; no model runs. The agent answers with error code "no_recommendation" while the link
// has no forecast or its forecast's confidence is below the agent's floor.
func (c *Client) RecommendTransfer(ctx context.Context, nodeID, peerID string) (*TransferRecommendation, error) {
	params := struct {
		NodeID string `json:"node_id"`
		PeerID string `json:"peer_id"`
	}{nodeID, peerID}
	var out TransferRecommendation
	if err := c.call(ctx, "RecommendTransfer", params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DegradationRequest is what PredictDegradation judges: a link's current 60-sample window (NodeID and
// PeerID) or an explicit Window of 6-value rows (bandwidth_mbps, latency_ms, packet_loss, jitter_ms,
// hour of day, day of week), against SLO (nil or zero fields: the agent's configured SLO).
type DegradationRequest struct {
	NodeID string      `json:"node_id,omitempty"`
	PeerID string      `json:"peer_id,omitempty"`
	Window [][]float64 `json:"window,omitempty"`
	SLO    *SLO        `json:"slo,omitempty"`
}

// PredictDegradation forecasts whether a link will breach its SLO within the horizon.
func (c *Client) PredictDegradation(ctx context.Context, req DegradationRequest) (*DegradationForecast, error) {
	var out DegradationForecast
	if err := c.call(ctx, "PredictDegradation", req, &out); err != nil {
		return nil, err
	}
	if out.NodeID == "" && req.Window == nil {
		out.NodeID, out.PeerID = req.NodeID, req.PeerID
	}
	return &out, nil
}
