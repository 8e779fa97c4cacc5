package dwcpagent

// Conformance of the REAL agent to agent/PROTOCOL.md, on the wire: every documented error code a client can
// provoke, and every ordering and resume rule, checked with raw socket lines (not through Client, so that
// the agent's behaviour is what is tested). One agent serves all subtests; the request counters are checked
// against what was sent at the end (PROTOCOL.md "Counters").

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wireMsg is one line from the agent.
type wireMsg struct {
	Seq    *uint64         `json:"seq"`
	V      int             `json:"v"`
	Type   string          `json:"type"`
	ID     *string         `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *Error          `json:"error"`
	raw    string
}

func (m wireMsg) code() string {
	if m.Error == nil {
		return ""
	}
	return m.Error.Code
}

// wire is one raw connection; its tally counts the request lines written and the answers read, for the
// counter check.
type wire struct {
	t    *testing.T
	c    net.Conn
	r    *bufio.Reader
	tall *tally
}

type tally struct{ lines, blank, answered int }

func dialWire(t *testing.T, sock string, n *tally) *wire {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &wire{t: t, c: c, r: bufio.NewReaderSize(c, 1<<20), tall: n}
}

// send writes each line plus '\n' in one write (so the agent reads them together).
func (w *wire) send(lines ...string) {
	w.t.Helper()
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
		w.tall.lines++
		if strings.TrimSpace(l) == "" {
			w.tall.blank++
		}
	}
	if _, err := w.c.Write(b.Bytes()); err != nil {
		w.t.Fatal(err)
	}
}

// next reads one line within d.
func (w *wire) next(d time.Duration) (wireMsg, error) {
	w.c.SetReadDeadline(time.Now().Add(d))
	line, err := w.r.ReadBytes('\n')
	if err != nil {
		return wireMsg{}, err
	}
	var m wireMsg
	if err := json.Unmarshal(line, &m); err != nil {
		w.t.Fatalf("agent wrote a line that is not JSON: %q: %v", line, err)
	}
	m.raw = string(line)
	if m.Type == "reply" || m.Type == "error" {
		w.tall.answered++
	}
	return m, nil
}

// answer reads until the reply or error for id (nil: id null), skipping stream events.
func (w *wire) answer(id *string) wireMsg {
	w.t.Helper()
	for {
		m, err := w.next(20 * time.Second)
		if err != nil {
			w.t.Fatalf("waiting for the answer to id %v: %v", str(id), err)
		}
		if (m.Type == "reply" || m.Type == "error") && eqID(m.ID, id) {
			return m
		}
		if m.Type == "reply" || m.Type == "error" {
			w.t.Fatalf("answer to id %v came while waiting for id %v: %s", str(m.ID), str(id), m.raw)
		}
	}
}

func eqID(a, b *string) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func str(s *string) string {
	if s == nil {
		return "null"
	}
	return strconv.Quote(*s)
}

func sp(s string) *string { return &s }

// expectError sends line and checks that the answer (for id) is an error of code whose message has each of want.
func (w *wire) expectError(line string, id *string, code string, want ...string) wireMsg {
	w.t.Helper()
	w.send(line)
	m := w.answer(id)
	if m.Type != "error" || m.code() != code {
		w.t.Errorf("%s\n  answered %s, want error %s", line, strings.TrimSpace(m.raw), code)
		return m
	}
	for _, s := range want {
		if !strings.Contains(m.Error.Message, s) {
			w.t.Errorf("%s\n  message %q lacks %q", line, m.Error.Message, s)
		}
	}
	return m
}

func jsonRows(rows, cols int, v float64) string {
	b, _ := json.Marshal(window(rows, cols, func(r, c int) float64 { return v }))
	return string(b)
}

func metricValue(t *testing.T, port int, series string) float64 {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no %s", series)
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestProtocolConformance(t *testing.T) {
	a := newAgent(t)
	a.args = []string{"--dwcp.socket.max-in-flight-per-client=4", "--dwcp.socket.max-request-bytes=4096"}
	a.start()
	n := &tally{}
	quiet := func(t *testing.T) *wire { // a connection subscribed to no events
		w := dialWire(t, a.sock, n)
		w.send(`{"id":"q","method":"subscribe","params":{"types":[]}}`)
		if m := w.answer(sp("q")); m.Type != "reply" {
			t.Fatalf("subscribe to none: %s", m.raw)
		}
		return w
	}

	t.Run("Framing", func(t *testing.T) {
		w := quiet(t)
		w.expectError(`{not json`, nil, CodeBadRequest, "not JSON")
		w.expectError(`{"id":"1","method":"ping"} trailing`, nil, CodeBadRequest)
		w.expectError(`{"id":"1","method":"ping"}{"id":"2","method":"ping"}`, nil, CodeBadRequest)
		w.expectError(`["ping"]`, nil, CodeBadRequest, "a request is a JSON object")
		// A blank line is not answered: the next answer is the ping's.
		w.send("", "   ", `{"id":"after-blank","method":"ping"}`)
		if m := w.answer(sp("after-blank")); m.Type != "reply" || !strings.Contains(string(m.Result), `"pong":true`) {
			t.Errorf("ping after blank lines: %s", m.raw)
		}
		// Every line the agent writes has v and type.
		w.send(`{"id":"v","method":"ping"}`)
		if m := w.answer(sp("v")); m.V != 1 || m.Type != "reply" {
			t.Errorf("reply lacks v 1: %s", m.raw)
		}
	})

	t.Run("RequestTooLarge", func(t *testing.T) {
		w := quiet(t)
		pad := strings.Repeat("x", 5000)
		w.expectError(`{"id":"big","method":"ping","params":{"pad":"`+pad+`"}}`, sp("big"), CodeRequestTooLarge,
			"dwcp.socket.max-request-bytes")
		w.expectError(`{"id":77,"method":"ping","params":{"pad":"`+pad+`"}}`, sp("77"), CodeRequestTooLarge)
		// The id only after the first 512 bytes: not known.
		w.expectError(`{"params":{"pad":"`+pad+`"},"id":"late"}`, nil, CodeRequestTooLarge)
		// The connection stays open and framed.
		w.send(`{"id":"still","method":"ping"}`)
		if m := w.answer(sp("still")); m.Type != "reply" {
			t.Errorf("after request_too_large: %s", m.raw)
		}
	})

	t.Run("RequestMembersAndIDs", func(t *testing.T) {
		w := quiet(t)
		w.expectError(`{"id":"m1"}`, sp("m1"), CodeBadRequest, "method is required")
		w.expectError(`{"id":"m2","method":7}`, sp("m2"), CodeBadRequest, "method must be a string")
		w.expectError(`{"id":"m3","method":"Nope"}`, sp("m3"), CodeUnknownMethod, "Nope")
		w.expectError(`{"id":"m4","method":"ping","parms":{}}`, sp("m4"), CodeBadRequest, "[parms]")
		w.expectError(`{"id":"m5","method":"ping","params":[1]}`, sp("m5"), CodeBadRequest, "params must be an object")
		for _, id := range []string{`""`, `true`, `1.5`, `[1]`, `{}`} {
			w.expectError(`{"id":`+id+`,"method":"ping"}`, nil, CodeBadRequest, "id must be a non-empty string or an integer")
		}
		w.expectError(`{"method":"SelectCompression","params":{"features":[1,2,3,4,5,6]}}`, nil, CodeBadRequest, `need an "id"`)
		w.send(`{"id":42,"method":"ping"}`)
		if m := w.answer(sp("42")); m.Type != "reply" {
			t.Errorf("integer id: %s", m.raw)
		}
		w.send(`{"method":"ping"}`)
		if m := w.answer(nil); m.Type != "reply" {
			t.Errorf("ping without id: %s", m.raw)
		}
	})

	t.Run("Params", func(t *testing.T) {
		w := quiet(t)
		w.expectError(`{"id":"p1","method":"PredictBandwidth","params":{"node_id":"a","peer":"b"}}`, sp("p1"),
			CodeBadRequest, "[peer]", "[node_id, peer_id, window]")
		w.expectError(`{"id":"p2","method":"SelectCompression","params":{"features":[1,2,3,4,5,6],"x":1}}`, sp("p2"),
			CodeBadRequest, "[x]")
		w.expectError(`{"id":"p3","method":"DetectAnomaly","params":{"node":"a"}}`, sp("p3"), CodeBadRequest, "[node]")
		w.expectError(`{"id":"p4","method":"DetectHighLatency","params":{"window":[],"y":1}}`, sp("p4"), CodeBadRequest, "[y]")
		w.expectError(`{"id":"p5","method":"RecommendTransfer","params":{"node_id":"a","peer_id":"b","z":1}}`, sp("p5"),
			CodeBadRequest, "[z]")
		w.expectError(`{"id":"p6","method":"PredictDegradation","params":{"window":`+jsonRows(60, 6, 5)+`,"slo":{"latency":1}}}`,
			sp("p6"), CodeBadRequest, "params.slo", "[latency]")
		w.expectError(`{"id":"p7","method":"PredictBandwidth","params":{"node_id":"a","peer_id":"b","window":`+jsonRows(10, 6, 5)+`}}`,
			sp("p7"), CodeBadRequest, "not both")
		w.expectError(`{"id":"p8","method":"DetectAnomaly","params":{"features":[1,2,3,4,5,6,7,8,9],"window":`+jsonRows(2, 9, 1)+`}}`,
			sp("p8"), CodeBadRequest, "not both")
		w.expectError(`{"id":"p9","method":"SelectCompression","params":{"features":[1,2,3]}}`, sp("p9"), CodeBadRequest,
			"array of 6 numbers")
		w.expectError(`{"id":"p10","method":"PredictBandwidth","params":{"window":`+jsonRows(9, 6, 5)+`}}`, sp("p10"),
			CodeBadRequest, "the model takes 10")
		w.expectError(`{"id":"p11","method":"DetectAnomaly","params":{"features":[1,2,3,4,5,6,7,8,"9"]}}`, sp("p11"),
			CodeBadRequest, "not a finite number")
		w.expectError(`{"id":"p12","method":"DetectAnomaly","params":{"features":[1,2,3,4,5,6,7,8,1e39]}}`, sp("p12"),
			CodeBadRequest, "not a finite number")
		w.expectError(`{"id":"p13","method":"PredictDegradation","params":{"window":`+jsonRows(60, 6, 5)+`,"slo":{"latency_ms":-1}}}`,
			sp("p13"), CodeBadRequest, "positive")
	})

	t.Run("UnknownLinkNodeAndWindowNotFull", func(t *testing.T) {
		w := quiet(t)
		w.expectError(`{"id":"u1","method":"PredictBandwidth","params":{"node_id":"nowhere","peer_id":"b"}}`, sp("u1"),
			CodeUnknownLink)
		w.expectError(`{"id":"u2","method":"PredictDegradation","params":{"node_id":"nowhere","peer_id":"b"}}`, sp("u2"),
			CodeUnknownLink)
		w.expectError(`{"id":"u3","method":"DetectHighLatency","params":{"node_id":"nowhere"}}`, sp("u3"), CodeUnknownNode)
		w.expectError(`{"id":"u4","method":"DetectAnomaly","params":{"node_id":"nowhere"}}`, sp("u4"), CodeUnknownNode)
		w.expectError(`{"id":"u5","method":"RecommendTransfer","params":{"node_id":"nowhere","peer_id":"b"}}`, sp("u5"),
			CodeNoRecommendation)
		// Features with an unknown node: judged on the features alone.
		w.send(`{"id":"u6","method":"DetectAnomaly","params":{"node_id":"nowhere","features":[99,0,0,0,0,10,0.5,0.5,0]}}`)
		if m := w.answer(sp("u6")); m.Type != "reply" {
			t.Errorf("DetectAnomaly(features, unknown node): %s", m.raw)
		}
		a.send(linkSamples("half", "full", 3)...)
		deadline := time.Now().Add(20 * time.Second)
		for i := 0; ; i++ {
			id := "u7-" + strconv.Itoa(i)
			w.send(`{"id":"` + id + `","method":"PredictBandwidth","params":{"node_id":"half","peer_id":"full"}}`)
			m := w.answer(sp(id))
			if m.code() == CodeWindowNotFull {
				// 1 to 3 of the samples may have landed yet.
				if !regexp.MustCompile(`has [123] of 10 steps`).MatchString(m.Error.Message) {
					t.Errorf("window_not_full message: %s", m.raw)
				}
				break
			}
			if m.code() != CodeUnknownLink || time.Now().After(deadline) {
				t.Fatalf("link with 3 samples: %s, want window_not_full", m.raw)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})

	t.Run("ControlMethods", func(t *testing.T) {
		w := quiet(t)
		w.expectError(`{"id":"c1","method":"subscribe","params":{"types":["anomaly","anomalies","x"]}}`, sp("c1"),
			CodeBadRequest, "[anomalies, x]", "anomaly, bandwidth_prediction, compression_choice, degradation_forecast, "+
				"latency_anomaly, prediction_error, transfer_recommendation")
		w.expectError(`{"id":"c2","method":"subscribe","params":{"types":"anomaly"}}`, sp("c2"), CodeBadRequest)
		w.expectError(`{"id":"c3","method":"subscribe","params":{"types":[1]}}`, sp("c3"), CodeBadRequest)
		w.expectError(`{"id":"c4","method":"subscribe","params":{"type":["anomaly"]}}`, sp("c4"), CodeBadRequest, "[type]")
		w.expectError(`{"id":"c5","method":"subscribe","params":{"resume_after":3}}`, sp("c5"), CodeBadRequest, "needs params.client")
		w.expectError(`{"id":"c6","method":"subscribe","params":{"client":"bad name!"}}`, sp("c6"), CodeBadRequest)
		w.expectError(`{"id":"c7","method":"subscribe","params":{"client":"ok","resume_after":-1}}`, sp("c7"), CodeBadRequest)
		w.expectError(`{"id":"c8","method":"ping","params":{"x":1}}`, sp("c8"), CodeBadRequest, "[x]")
		w.expectError(`{"id":"c9","method":"unsubscribe","params":{"types":[]}}`, sp("c9"), CodeBadRequest, "[types]")
		w.send(`{"id":"c10","method":"unsubscribe"}`)
		if m := w.answer(sp("c10")); !strings.Contains(string(m.Result), `"subscribed":false`) {
			t.Errorf("unsubscribe: %s", m.raw)
		}
	})

	t.Run("DuplicateInFlightID", func(t *testing.T) {
		w := quiet(t)
		// One write: the first is in flight (a model call) while the agent reads the others.
		req := `{"id":"dup","method":"PredictDegradation","params":{"window":` + jsonRows(60, 6, 5) + `}}`
		var lines []string
		for i := 0; i < 8; i++ {
			lines = append(lines, req)
		}
		w.send(lines...)
		dups, results := 0, 0
		for i := 0; i < len(lines); i++ {
			m := w.answer(sp("dup"))
			switch {
			case m.code() == CodeDuplicateID:
				dups++
			case m.Type == "reply":
				results++
			default:
				t.Errorf("answer to a duplicate id: %s", m.raw)
			}
		}
		if dups == 0 || results == 0 {
			t.Errorf("%d duplicate_id errors and %d results for %d requests with one id, want some of each", dups, results,
				len(lines))
		}
		// Once answered the id is free again.
		w.send(`{"id":"dup","method":"SelectCompression","params":{"features":[100,40,2,67108864,4.5,0.3]}}`)
		if m := w.answer(sp("dup")); m.Type != "reply" {
			t.Errorf("reused id after its answer: %s", m.raw)
		}
	})

	t.Run("TooManyInFlight", func(t *testing.T) {
		w := quiet(t)
		var lines []string
		for i := 0; i < 32; i++ {
			lines = append(lines, `{"id":"f`+strconv.Itoa(i)+`","method":"PredictDegradation","params":{"window":`+jsonRows(60, 6, 5)+`}}`)
		}
		w.send(lines...)
		refused := 0
		seen := map[string]bool{}
		for i := 0; i < len(lines); i++ {
			m, err := w.next(20 * time.Second)
			if err != nil {
				t.Fatalf("after %d answers: %v", i, err)
			}
			if m.ID == nil || seen[*m.ID] {
				t.Fatalf("unexpected answer: %s", m.raw)
			}
			seen[*m.ID] = true
			if m.code() == CodeTooManyInFlight {
				refused++
			} else if m.Type != "reply" {
				t.Errorf("answer: %s", m.raw)
			}
		}
		if refused == 0 {
			t.Errorf("%d requests in one write with max-in-flight 4: none refused too_many_in_flight", len(lines))
		}
	})

	t.Run("RepliesInAnyOrderEachOnce", func(t *testing.T) {
		w := quiet(t)
		ids := []string{"r0", "r1", "r2", "r3"}
		w.send(`{"id":"r0","method":"PredictDegradation","params":{"window":`+jsonRows(60, 6, 5)+`}}`,
			`{"id":"r1","method":"ping"}`,
			`{"id":"r2","method":"SelectCompression","params":{"features":[100,40,2,67108864,4.5,0.3]}}`,
			`{"id":"r3","method":"DetectAnomaly","params":{"features":[99,0,0,0,0,10,0.5,0.5,0]}}`)
		got := map[string]int{}
		for range ids {
			m, err := w.next(20 * time.Second)
			if err != nil || m.ID == nil {
				t.Fatalf("answer: %v %s", err, m.raw)
			}
			got[*m.ID]++
		}
		for _, id := range ids {
			if got[id] != 1 {
				t.Errorf("id %s answered %d times", id, got[id])
			}
		}
	})

	t.Run("NamedReaderSeqAndResume", func(t *testing.T) {
		subscribe := func(w *wire, id, params string) map[string]interface{} {
			t.Helper()
			w.send(`{"id":"` + id + `","method":"subscribe","params":` + params + `}`)
			m := w.answer(sp(id))
			if m.Type != "reply" {
				t.Fatalf("subscribe %s: %s", params, m.raw)
			}
			var r map[string]interface{}
			json.Unmarshal(m.Result, &r)
			return r
		}
		// events reads stream events until k with seq arrived; events without seq (sent before the
		// subscribe took effect) are ignored, as the document says.
		events := func(w *wire, k int) []uint64 {
			t.Helper()
			var seqs []uint64
			for len(seqs) < k {
				m, err := w.next(30 * time.Second)
				if err != nil {
					t.Fatalf("after %d events: %v", len(seqs), err)
				}
				if m.Seq != nil {
					if m.Type != TypeBandwidthPrediction {
						t.Errorf("subscribed to bandwidth_prediction, got %s", m.raw)
					}
					seqs = append(seqs, *m.Seq)
				}
			}
			return seqs
		}
		consecutive := func(seqs []uint64, from uint64) {
			t.Helper()
			for i, s := range seqs {
				if s != from+uint64(i) {
					t.Fatalf("seqs %v: want consecutive from %d", seqs, from)
				}
			}
		}

		w1 := dialWire(t, a.sock, n)
		r := subscribe(w1, "n1", `{"client":"conf-1","types":["bandwidth_prediction"]}`)
		if r["resumed"] != false || r["next_seq"] != float64(1) {
			t.Fatalf("first named subscribe: %v", r)
		}
		a.send(linkSamples("seq-a", "seq-b", 30)...) // 21 predictions
		seqs := events(w1, 21)
		consecutive(seqs, 1)

		// A second connection with the name takes over; the first is closed.
		w2 := dialWire(t, a.sock, n)
		r = subscribe(w2, "n2", `{"client":"conf-1","types":["bandwidth_prediction"],"resume_after":5}`)
		if r["resumed"] != true || r["next_seq"] != float64(6) || r["last_seq"] != float64(21) {
			t.Fatalf("resume after 5: %v", r)
		}
		for {
			if _, err := w1.next(10 * time.Second); err != nil {
				if err != io.EOF && !strings.Contains(err.Error(), "reset") {
					t.Errorf("first connection after takeover: %v, want closed", err)
				}
				break
			}
		}
		consecutive(events(w2, 16), 6) // 6..21 again: written to a connection the agent cannot vouch for
		w2.c.Close()

		// A lower resume point is raised to the highest given (5): nothing at or below it again.
		w3 := dialWire(t, a.sock, n)
		r = subscribe(w3, "n3", `{"client":"conf-1","types":["bandwidth_prediction"],"resume_after":2}`)
		if r["next_seq"] != float64(6) {
			t.Errorf("resume_after 2 after 5: next_seq %v, want 6", r["next_seq"])
		}
		consecutive(events(w3, 16), 6)
		w3.c.Close()
		// Beyond the last event written: refused.
		w3b := dialWire(t, a.sock, n)
		w3b.expectError(`{"id":"n4","method":"subscribe","params":{"client":"conf-1","resume_after":1000}}`, sp("n4"),
			CodeBadRequest, "beyond")
		w3b.c.Close()

		// Processed through 21: the next connection gets only new events, from 22.
		w4 := dialWire(t, a.sock, n)
		r = subscribe(w4, "n5", `{"client":"conf-1","types":["bandwidth_prediction"],"resume_after":21}`)
		if r["next_seq"] != float64(22) || r["missed"] != float64(0) {
			t.Errorf("resume after 21: %v", r)
		}
		a.send(linkSamples("seq-e", "seq-f", 12)...) // 3 predictions
		consecutive(events(w4, 3), 22)

		// A name the agent does not know, resuming after N: numbered from N+1.
		w5 := dialWire(t, a.sock, n)
		r = subscribe(w5, "n6", `{"client":"conf-new","types":["bandwidth_prediction"],"resume_after":777}`)
		if r["resumed"] != false || r["next_seq"] != float64(778) || r["last_seq"] != float64(777) {
			t.Errorf("unknown name resuming after 777: %v", r)
		}
		a.send(linkSamples("seq-c", "seq-d", 11)...) // 2 predictions
		consecutive(events(w5, 2), 778)
	})

	// Every request line was answered or, blank, counted; the invalid counter saw each refusal.
	t.Run("Counters", func(t *testing.T) {
		lines := metricValue(t, a.http, "dwcp_socket_requests_total")
		empty := metricValue(t, a.http, `dwcp_socket_requests_invalid_total{reason="empty"}`)
		if int(lines) != n.lines || int(empty) != n.blank {
			t.Errorf("agent counted %v lines (%v blank), test sent %d (%d blank)", lines, empty, n.lines, n.blank)
		}
		if n.answered != n.lines-n.blank {
			t.Errorf("answers read %d, want lines - blank = %d", n.answered, n.lines-n.blank)
		}
		for _, reason := range []string{"bad_request", "unknown_method", "duplicate_id", "unknown_link", "unknown_node",
			"window_not_full", "too_large"} {
			if v := metricValue(t, a.http, `dwcp_socket_requests_invalid_total{reason="`+reason+`"}`); v < 1 {
				t.Errorf("dwcp_socket_requests_invalid_total{reason=%q} = %v, want ≥ 1", reason, v)
			}
		}
	})
}
