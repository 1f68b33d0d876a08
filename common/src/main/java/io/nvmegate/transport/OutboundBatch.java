package io.nvmegate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.nvmegate.protocol.PduCodec;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;

import java.nio.ByteBuffer;

/**
 * The PDUs one queue sends during one event-loop turn, written to the socket as ONE message (one flush, one
 * gathering {@code writev}) when the turn ends, instead of one write and flush per PDU part: a read's C2HData
 * header, its data and the CapsuleResp, and the completions of every other command that finished in the same
 * turn, leave together. nvmet does the same with {@code MSG_MORE}/{@code MSG_SPLICE_PAGES} on its send path.
 *
 * <p>The message is a chain of direct (off-heap) buffers, so Netty hands it to the kernel without copying:
 * direct data larger than {@value #SMALL} bytes (e.g. the null backend's shared zero buffer) is referenced as it
 * is; headers, digests and heap data are copied once into pooled direct buffers (the copy Netty would otherwise
 * make itself). Netty releases the chain after the write.
 *
 * <p>Event-loop thread only (the queue's context), like the rest of {@link TcpQueue}.
 */
final class OutboundBatch {
    /** Parts up to this size are copied into the current pooled tail buffer. */
    static final int SMALL = 1024;
    private static final int TAIL = 16 * 1024;

    private final NetSocketInternal socket;
    private final ContextInternal context;
    private final ByteBufAllocator alloc;
    private final Runnable written;
    private CompositeByteBuf out;
    private ByteBuf tail;
    private boolean scheduled;
    /** Bytes handed to the socket whose write has not completed yet (a host that does not read keeps them here). */
    private long unwritten;
    /** Turns a batch of PDU bytes into what goes on the wire (the TLS records of a secure channel); null: as is. */
    private Sealer sealer;

    /** Encrypts a batch (TLS): returns the bytes to write; releases its argument. */
    @FunctionalInterface
    interface Sealer {
        ByteBuf seal(ByteBuf plaintext) throws java.io.IOException;
    }

    /**
     * @param written runs after each batch was handed to the socket and again when its write completed (back-pressure
     *                checks: {@link #unwritten()})
     */
    OutboundBatch(NetSocketInternal socket, ContextInternal context, Runnable written) {
        this.socket = socket;
        this.context = context;
        this.alloc = socket.channelHandlerContext().alloc();
        this.written = written;
    }

    /** From now on every batch goes through {@code s} before the socket (a TLS session was established). */
    void seal(Sealer s) {
        sealer = s;
    }

    /** @return true on the queue's event-loop thread (where {@link #add} may be called) */
    boolean onEventLoop() {
        return context.nettyEventLoop().inEventLoop();
    }

    /** Appends an encoded PDU; it is written when this event-loop turn ends (or at {@link #flush()}). */
    void add(PduCodec.Parts p) {
        part(p.header());
        part(p.data());
        part(p.dataDigest());
        if (!scheduled) {
            scheduled = true;
            context.runOnContext(v -> flush());
        }
    }

    private void part(ByteBuffer b) {
        int n = b.remaining();
        if (n == 0) return;
        if (out == null) out = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
        if (n > SMALL) {
            closeTail();
            ByteBuf c;
            if (b.isDirect()) {
                c = Unpooled.wrappedBuffer(b.slice()); // no copy; the memory stays reachable through the ByteBuffer
            } else {
                c = alloc.directBuffer(n, n);
                c.writeBytes(b.duplicate());
            }
            out.addComponent(true, c);
            return;
        }
        if (tail == null || tail.writableBytes() < n) {
            closeTail();
            tail = alloc.directBuffer(TAIL, TAIL);
        }
        tail.writeBytes(b.duplicate());
    }

    private void closeTail() {
        if (tail == null) return;
        if (tail.isReadable()) out.addComponent(true, tail);
        else tail.release();
        tail = null;
    }

    /** Writes what has been gathered now (before a C2HTermReq or a close). */
    void flush() {
        scheduled = false;
        if (out == null) return;
        closeTail();
        CompositeByteBuf b = out;
        out = null;
        ByteBuf wire;
        if (sealer == null) {
            wire = b;
        } else {
            try {
                wire = sealer.seal(b);
            } catch (java.io.IOException e) {
                socket.close(); // the TLS session failed or was closed: nothing more can be sent
                return;
            }
        }
        long n = wire.readableBytes();
        unwritten += n;
        socket.writeMessage(wire).onComplete(ar -> { // on the event loop, written or failed (closed)
            unwritten -= n;
            written.run();
        });
        written.run();
    }

    /** @return bytes gathered for this turn or handed to the socket, and not yet written to the kernel */
    long unwritten() {
        return unwritten + (out == null ? 0 : out.readableBytes()) + (tail == null ? 0 : tail.readableBytes());
    }

    /** Drops what has not been written (the connection is gone). */
    void discard() {
        if (tail != null) tail.release();
        if (out != null) out.release();
        tail = null;
        out = null;
    }
}
