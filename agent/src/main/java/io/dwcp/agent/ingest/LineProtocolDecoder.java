package io.dwcp.agent.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * InfluxDB line protocol, as Telegraf's {@code outputs.socket_writer} sends it over UDP:
 * {@code measurement,tag=v,... field=v,... [timestamp]}, one or more lines per datagram. Timestamps are
 * nanoseconds (Telegraf's default precision); a line without one takes the arrival time.
 *
 * <p>The syntax is InfluxData's, exactly (issue 18): the grammar {@code line-protocol.ebnf} of
 * github.com/influxdata/line-protocol, with the escaping of its v2 decoder where the grammar leaves room.
 * <ul>
 *   <li>A backslash escapes only the delimiters of its element: comma and space in a measurement; comma, equals
 *       sign and space in tag keys, tag values and field keys; double quote and backslash in a string value (and
 *       {@code \n}, {@code \r}, {@code \t} there, as the v2 decoder reads them). Before any other byte it is a
 *       literal backslash, so {@code two\\ words} is {@code two\ words}.</li>
 *   <li>No unescaped control character (U+0000..U+001F, U+007F) outside string values and comments (a tab is
 *       allowed in a comment: the grammar says so, though the v2 decoder refuses it); every element valid UTF-8
 *       (comments are not checked, as in the v2 decoder); a line starts with spaces only (no tabs).</li>
 *   <li>Numbers as the grammar writes them: {@code -?digits i} (int64), {@code digits u} (uint64, so up to
 *       2^64-1), floats {@code -?(digits[.[digits]][e[+-]digits] | .digits[e[+-]digits])}; no {@code +}, no
 *       {@code NaN}/{@code Inf}, no Java suffixes ({@code 1d}). A number beyond its type is {@code out_of_range}.</li>
 *   <li>A quoted string value may hold anything but an unescaped {@code "}, a newline included; an unterminated one
 *       therefore runs to the end of the datagram.</li>
 *   <li>A tag key may appear once per line.</li>
 * </ul>
 * A line that breaks any of these is dropped whole as {@code malformed}, even when the offence is in a field the
 * agent ignores; the decoder then resumes at the next newline. Blank and comment lines hold no point.
 * Measurement names, tag keys and values and field keys longer than {@link IngestLimits#maxIdBytes()} are
 * {@code id_too_long}, string values longer than {@link IngestLimits#maxStringBytes()} {@code string_too_long}
 * (issue 17), both after unescaping.
 *
 * <p>Thread-safe: each thread parses with its own {@link LineProtocolParser}, reused across its datagrams (a
 * parser per datagram was most of the UDP thread's garbage, JFR at 1,000 datagrams/s).
 */
public final class LineProtocolDecoder implements MetricDecoder {
    private final ThreadLocal<LineProtocolParser> parsers;

    public LineProtocolDecoder(long maxFutureSkewMillis) {
        this(IngestLimits.defaults(maxFutureSkewMillis));
    }

    public LineProtocolDecoder(IngestLimits limits) {
        this.parsers = ThreadLocal.withInitial(() -> new LineProtocolParser(limits));
    }

    @Override
    public void decode(byte[] data, int offset, int length, long nowMillis, RecordSink sink) {
        parsers.get().parse(data, offset, offset + length, nowMillis, sink);
    }
}
