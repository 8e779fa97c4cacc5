package dwcpagent

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// metricOr returns the value of one /metrics series, or def when the series is absent (or the agent is not answering).
func metricOr(port int, series string, def float64) float64 {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	if err != nil {
		return def
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		return def
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return def
	}
	return v
}

// waitMetric polls until the series reaches want (or the deadline passes) and returns its last value.
func waitMetric(port int, series string, want float64) float64 {
	deadline := time.Now().Add(30 * time.Second)
	v := metricOr(port, series, math.NaN())
	for v != want && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		v = metricOr(port, series, math.NaN())
	}
	return v
}

func TestTransferOutcomeValidate(t *testing.T) {
	good := TransferOutcome{NodeID: "a", PeerID: "b", Codec: CodecZstd, Level: 3, BytesIn: 1 << 20, BytesOut: 400_000,
		Compress: 8 * time.Millisecond, Wire: 30 * time.Millisecond, CPUUsage: 0.4, EntropyBitsPerByte: -1}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	w, _ := json.Marshal(good.wire())
	if want := `{"type":"dwcp_transfer_outcome","node_id":"a","peer_id":"b","codec":"zstd","level":3,"bytes_in":1048576,` +
		`"bytes_out":400000,"compress_us":8000,"wire_seconds":0.03,"cpu_usage":0.4}`; string(w) != want {
		t.Fatalf("wire %s\nwant %s", w, want)
	}
	for name, mut := range map[string]func(*TransferOutcome){
		"zero bytes in":   func(o *TransferOutcome) { o.BytesIn = 0 },
		"negative out":    func(o *TransferOutcome) { o.BytesOut = -1 },
		"negative time":   func(o *TransferOutcome) { o.Compress = -time.Millisecond },
		"unknown codec":   func(o *TransferOutcome) { o.Codec = Codec(9) },
		"NaN cpu":         func(o *TransferOutcome) { o.CPUUsage = math.NaN() },
		"no peer":         func(o *TransferOutcome) { o.PeerID = "" },
		"entropy above 8": func(o *TransferOutcome) { o.EntropyBitsPerByte = 9 },
	} {
		o := good
		mut(&o)
		if o.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestTransferOutcomesTeachTheAgent sends outcomes to the real agent: the good ones are learnt into its host codec
// profile, the bad ones refused and counted per reason, and the profile survives a restart.
func TestTransferOutcomesTeachTheAgent(t *testing.T) {
	a := newAgent(t)
	state := filepath.Join(a.dir, "state")
	a.args = []string{"--dwcp.state-dir=" + state, "--dwcp.codec-profile.bench-on-start=false"}
	a.start()
	a.send(transferSample("n1", "p1")) // entropy hint 4.5 for the link: the outcomes below carry none
	m, err := DialMetrics(fmt.Sprintf("127.0.0.1:%d", a.udpPort))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	waitMetric(a.http, `dwcp_ingest_records_total`, 1)
	// A host three times slower than the build machine: zstd at 1/3 of its 129 MB/s (x 0.7, the CPU left) and 643 MB/s on 8 MiB.
	for i := 0; i < 20; i++ {
		err := m.SendTransferOutcome(TransferOutcome{NodeID: "n1", PeerID: "p1", Codec: CodecZstd, Level: 3,
			BytesIn: 8 << 20, BytesOut: 3 << 20, Compress: 280 * time.Millisecond, Decompress: 39 * time.Millisecond,
			Wire: 250 * time.Millisecond, CPUUsage: 0.3, EntropyBitsPerByte: -1})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // UDP on loopback: do not outrun the receive buffer for no reason
	}
	if err := m.SendTransferOutcome(TransferOutcome{NodeID: "n1", PeerID: "p1", Codec: CodecNone, BytesIn: 1 << 20,
		BytesOut: 1 << 20, Wire: 10 * time.Millisecond, CPUUsage: 0.3, EntropyBitsPerByte: 5}); err != nil {
		t.Fatal(err)
	}
	// What Validate would stop, sent raw, as a careless sender would.
	bad := func(k string, v interface{}) map[string]interface{} {
		r := map[string]interface{}{"type": "transfer_outcome", "node_id": "n1", "peer_id": "p1", "codec": "zstd",
			"level": 3, "bytes_in": 1 << 20, "bytes_out": 400000, "compress_us": 8000, "wire_seconds": 0.03,
			"cpu_usage": 0.4}
		r[k] = v
		return r
	}
	a.send(bad("bytes_in", 0), bad("bytes_out", -3), bad("compress_us", -1), bad("codec", "gzip"))

	if v := waitMetric(a.http, `dwcp_codec_profile_outcomes_total{result="learnt"}`, 20); v != 20 {
		a.fatalf("learnt outcomes %v, want 20", v)
	}
	if v := waitMetric(a.http, `dwcp_codec_profile_outcomes_total{result="none"}`, 1); v != 1 {
		a.fatalf("none outcomes %v, want 1", v)
	}
	for reason, want := range map[string]float64{"bad_size": 2, "absurd_time": 1, "unknown_codec": 1} {
		if v := waitMetric(a.http, `dwcp_ingest_rejected_total{reason="`+reason+`"}`, want); v != want {
			a.fatalf("rejected %s: %v, want %v", reason, v, want)
		}
	}
	factor := metricOr(a.http, `dwcp_codec_profile_speed_factor{codec="zstd",direction="compress"}`, math.NaN())
	if !(factor > 0.2 && factor < 0.6) {
		a.fatalf("zstd compression speed factor %v, want about 1/3", factor)
	}
	a.stop() // SIGTERM: the profile is written on the way out
	if _, err := os.Stat(filepath.Join(state, "codec-profile.json")); err != nil {
		t.Fatalf("profile not persisted: %v", err)
	}

	a.start()
	if v := metricOr(a.http, `dwcp_codec_profile_observations`, math.NaN()); v != 20 {
		a.fatalf("after restart the profile has %v observations, want 20", v)
	}
	if v := metricOr(a.http, `dwcp_codec_profile_speed_factor{codec="zstd",direction="compress"}`, math.NaN()); v != factor {
		a.fatalf("after restart the zstd factor is %v, was %v", v, factor)
	}
}
