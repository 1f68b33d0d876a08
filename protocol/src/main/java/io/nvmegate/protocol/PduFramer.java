package io.nvmegate.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Splits a TCP byte stream into whole PDUs, correct under any segmentation: one byte per read, a PDU split at
 * any offset, or many PDUs in one read.
 *
 * <p>Validates the 8-byte common header as soon as it is complete: the type must be one this side may receive
 * (FES 1, FEI 0 if unknown; FES 2 if it travels the wrong way), HLEN must be the type's fixed length (FES 1,
 * FEI 2), PLEN must cover the header (FES 1, FEI 4) and not exceed {@code maxPduLength} (FES 5). Whole PDUs are
 * passed on as buffers holding exactly PLEN bytes: a slice of the input when a PDU arrives in one read, a copy
 * otherwise. Not thread-safe: one framer per connection, fed by one thread.
 */
public final class PduFramer {
    private final boolean receivedByController;
    private final int maxPduLength;
    private final ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer body; // the PDU being assembled (includes the 8 header bytes), null while reading a header

    /**
     * @param receivedByController true on the target side (accepts ICReq, H2CTermReq, CapsuleCmd, H2CData), false
     *                             on the host side (ICResp, C2HTermReq, CapsuleResp, C2HData, R2T)
     * @param maxPduLength         largest PLEN accepted, in bytes
     */
    public PduFramer(boolean receivedByController, int maxPduLength) {
        this.receivedByController = receivedByController;
        this.maxPduLength = maxPduLength;
    }

    /** Receives whole PDUs; may itself fail the connection with a {@link PduException}. */
    @FunctionalInterface
    public interface Sink {
        void accept(ByteBuffer pdu) throws PduException;
    }

    /** Consumes all of {@code in}, passing each complete PDU to {@code sink}. */
    public void feed(ByteBuffer in, Consumer<ByteBuffer> sink) throws PduException {
        process(in, sink::accept);
    }

    /**
     * Consumes {@code in}, passing each complete PDU to {@code sink}; stops at the first exception (the
     * connection is then dead and the framer must not be fed again).
     */
    public void process(ByteBuffer in, Sink sink) throws PduException {
        while (in.hasRemaining()) {
            if (body == null) {
                if (head.position() == 0 && in.remaining() >= 8) {
                    int plen = checkHeader(in, in.position());
                    if (in.remaining() >= plen) {
                        ByteBuffer whole = in.slice(in.position(), plen);
                        in.position(in.position() + plen);
                        sink.accept(whole);
                        continue;
                    }
                    body = ByteBuffer.allocate(plen);
                    continue;
                }
                while (head.hasRemaining() && in.hasRemaining()) head.put(in.get());
                if (head.hasRemaining()) return;
                int plen = checkHeader(head, 0);
                body = ByteBuffer.allocate(plen);
                body.put(head.flip());
                head.clear();
            }
            int n = Math.min(body.remaining(), in.remaining());
            body.put(in.slice(in.position(), n));
            in.position(in.position() + n);
            if (!body.hasRemaining()) {
                ByteBuffer whole = body.flip();
                body = null;
                sink.accept(whole);
            }
        }
    }

    /** @return true if no partial PDU is buffered. */
    public boolean idle() {
        return body == null && head.position() == 0;
    }

    private int checkHeader(ByteBuffer b, int at) throws PduException {
        int code = b.get(at) & 0xFF;
        PduType t = PduType.of(code);
        if (t == null) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 0, "unknown PDU type 0x" + Integer.toHexString(code));
        if (t.hostToController != receivedByController) {
            throw new PduException(PduException.FES_PDU_SEQUENCE_ERROR, 0, "unexpected PDU " + t + " in this direction");
        }
        int hlen = b.get(at + 2) & 0xFF;
        if (hlen != t.hlen) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 2, t + " bad hlen " + hlen + " (want " + t.hlen + ")");
        int plen = (b.get(at + 4) & 0xFF) | (b.get(at + 5) & 0xFF) << 8 | (b.get(at + 6) & 0xFF) << 16 | (b.get(at + 7) & 0xFF) << 24;
        if (plen > maxPduLength || plen < 0) throw new PduException(PduException.FES_DATA_LIMIT_EXCEEDED, 4, t + " plen " + Integer.toUnsignedString(plen) + " > max " + maxPduLength);
        if (plen < hlen) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 4, t + " plen " + plen + " < hlen " + hlen);
        return plen;
    }
}
