package io.nvmegate.blockio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Zero-filled read data without allocating or copying: slices of one shared, never released, direct (off-heap)
 * buffer of {@value #SHARED_BYTES} bytes. Direct memory lets Netty hand the bytes to the socket as they are
 * (a heap buffer would be copied into a direct one first). Used for reads of the null backends. Callers must
 * not write into the returned buffers.
 */
public final class ZeroBlocks {
    /** Size of the shared zero buffer; longer reads get a fresh zero-filled buffer. */
    public static final int SHARED_BYTES = 1 << 20;
    private static final ByteBuf ZEROES = Unpooled.unreleasableBuffer(Unpooled.directBuffer(SHARED_BYTES, SHARED_BYTES)
            .writeZero(SHARED_BYTES));

    private ZeroBlocks() {}

    /** @return {@code length} zero bytes (shared memory when {@code length <= SHARED_BYTES}) */
    public static Buffer of(int length) {
        if (length > SHARED_BYTES) return BufferInternal.buffer(Unpooled.wrappedBuffer(new byte[length]));
        return BufferInternal.buffer(ZEROES.slice(0, length));
    }
}
