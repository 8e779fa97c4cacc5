package io.dwcp.agent.sink;

import io.dwcp.agent.protocol.RequestCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits request lines like Netty's {@code LineBasedFrameDecoder(max, stripDelimiter, failFast)} (a frame
 * ends at {@code \n}, a {@code \r} before it is dropped), and, for a line over {@code maxBytes}, keeps its
 * first {@link RequestCodec#ID_PREFIX_BYTES} bytes in the {@link TooLongRequest} it fires, so that the
 * {@code request_too_large} error can carry the request's id (issue 18). Fails fast: the error goes out as
 * soon as the line is known to be too long, and the rest of it is discarded as it arrives, never buffered.
 * One instance per connection; event loop only.
 */
final class RequestFrameDecoder extends ByteToMessageDecoder {
    private final int maxBytes;
    private boolean discarding;

    RequestFrameDecoder(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A line longer than the limit, with its first bytes. */
    static final class TooLongRequest extends TooLongFrameException {
        private static final long serialVersionUID = 1L;
        private final transient byte[] prefix;

        TooLongRequest(String message, byte[] prefix) {
            super(message);
            this.prefix = prefix;
        }

        byte[] prefix() {
            return prefix;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (discarding) {
                if (eol < 0) {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                in.readerIndex(eol + 1);
                discarding = false;
                continue;
            }
            if (eol < 0) {
                if (in.readableBytes() > maxBytes) {
                    tooLong(ctx, in);
                    in.skipBytes(in.readableBytes());
                    discarding = true;
                }
                return;
            }
            int length = eol - in.readerIndex();
            int content = length > 0 && in.getByte(eol - 1) == '\r' ? length - 1 : length;
            if (content > maxBytes) {
                tooLong(ctx, in);
                in.readerIndex(eol + 1);
                continue;
            }
            out.add(in.readRetainedSlice(content));
            in.readerIndex(eol + 1);
        }
    }

    private void tooLong(ChannelHandlerContext ctx, ByteBuf in) {
        byte[] prefix = ByteBufUtil.getBytes(in, in.readerIndex(), Math.min(in.readableBytes(), RequestCodec.ID_PREFIX_BYTES));
        ctx.fireExceptionCaught(new TooLongRequest("request line longer than " + maxBytes + " bytes", prefix));
    }
}
