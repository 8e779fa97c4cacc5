package dwcpagent

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
)

// Subscription receives stream events on C until Close (of the subscription or the client), which
// closes C. Events are delivered without blocking the client: when C's buffer is full the event is dropped
// for this subscription and counted in Dropped. Events sent while the client was disconnected are lost,
// unless the client is a named reader (Options.ClientName): then the agent replays them on reconnect.
type Subscription struct {
	// C carries *BandwidthPrediction, *CompressionChoice, *Anomaly, *LatencyResult (and *UnknownEvent
	// when subscribed to all types).
	C <-chan Event

	c       *Client
	ch      chan Event
	types   map[string]bool // nil = all
	dropped uint64
	once    sync.Once
	mu      sync.Mutex // guards sends on ch against close
	closed  bool
}

// Subscribe returns a subscription to the given event types (none given: all types) with a channel
// buffer of buffer events (at least 1). The agent is told the union of all subscriptions' types, so it
// sends only what some subscription wants. Give the agent's event types (the Type... constants): it
// refuses a subscription naming an unknown type (reported through Options.Logf), and the connection then
// keeps the types it had.
func (c *Client) Subscribe(buffer int, types ...string) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	ch := make(chan Event, buffer)
	s := &Subscription{C: ch, c: c, ch: ch}
	if len(types) > 0 {
		s.types = make(map[string]bool, len(types))
		for _, t := range types {
			s.types[t] = true
		}
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		s.closeChan()
		return s
	}
	c.subs[s] = struct{}{}
	cn := c.conn
	c.mu.Unlock()
	if cn != nil {
		go c.sendSubscribe(cn)
	}
	return s
}

// SubscribeFunc calls fn for every event of the given types (none: all) on its own goroutine, in order,
// until ctx ends or the client is closed. A slow fn loses events beyond a buffer of 1024.
func (c *Client) SubscribeFunc(ctx context.Context, fn func(Event), types ...string) {
	s := c.Subscribe(1024, types...)
	go func() {
		defer s.Close()
		for {
			select {
			case ev, ok := <-s.C:
				if !ok {
					return
				}
				fn(ev)
			case <-ctx.Done():
				return
			}
		}
	}()
}

// Dropped is how many events this subscription lost because C was full.
func (s *Subscription) Dropped() uint64 { return atomic.LoadUint64(&s.dropped) }

// Close ends the subscription and closes C.
func (s *Subscription) Close() {
	c := s.c
	c.mu.Lock()
	_, present := c.subs[s]
	delete(c.subs, s)
	cn := c.conn
	c.mu.Unlock()
	if present && cn != nil {
		go c.sendSubscribe(cn)
	}
	s.closeChan()
}

func (s *Subscription) closeChan() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.ch)
		s.mu.Unlock()
	})
}

func (s *Subscription) offer(ev Event) {
	if s.types != nil && !s.types[ev.EventType()] {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	select {
	case s.ch <- ev:
	default:
		atomic.AddUint64(&s.dropped, 1)
	}
}

func (c *Client) publish(ev Event) {
	c.mu.Lock()
	subs := make([]*Subscription, 0, len(c.subs))
	for s := range c.subs {
		subs = append(subs, s)
	}
	c.mu.Unlock()
	for _, s := range subs {
		s.offer(ev)
	}
}

// subscribedTypesLocked is the union of the subscriptions' types: nil = all, empty = none.
func (c *Client) subscribedTypesLocked() []string {
	set := map[string]bool{}
	for s := range c.subs {
		if s.types == nil {
			return nil
		}
		for t := range s.types {
			set[t] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// sendSubscribe tells the agent which types this connection wants: the union at the time of sending,
// so whichever of several concurrent updates is written last carries the current set. Best effort: if
// the connection breaks, the next one sends the then-current set.
func (c *Client) sendSubscribe(cn *conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*c.opts.DialTimeout)
	defer cancel()
	c.subMu.Lock()
	c.mu.Lock()
	types := c.subscribedTypesLocked()
	c.mu.Unlock()
	var params struct {
		Types       []string `json:"types"`
		Client      string   `json:"client,omitempty"`
		ResumeAfter *uint64  `json:"resume_after,omitempty"`
	}
	params.Types = types // nil → JSON null → all types
	params.Client = c.opts.ClientName
	if params.Client != "" {
		c.seqMu.Lock()
		if c.lastSeq > 0 {
			last := c.lastSeq
			params.ResumeAfter = &last
		}
		c.seqMu.Unlock()
	}
	line, id, err := c.request("subscribe", params)
	if err != nil {
		c.subMu.Unlock()
		return
	}
	if params.Client != "" {
		c.seqMu.Lock()
		c.helloID = id
		c.seqMu.Unlock()
	}
	ch, err := cn.send(ctx, id, line)
	c.subMu.Unlock()
	if err != nil {
		return
	}
	select {
	case rep := <-ch:
		if rep.err != nil && rep.err != ErrDisconnected {
			c.opts.Logf("dwcpagent: subscribe %v: %v", types, rep.err)
		}
	case <-ctx.Done():
		cn.forget(id)
	case <-c.done:
	}
}
