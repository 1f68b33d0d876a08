package io.nvmegate.transport;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;

/** Conversions between Vert.x {@link Buffer}s and NIO {@link ByteBuffer}s without copying the bytes. */
public final class Buffers {
    private Buffers() {}

    /** @return a NIO view of {@code b} (shares its memory). */
    public static ByteBuffer nio(Buffer b) {
        return ((BufferInternal) b).getByteBuf().nioBuffer();
    }

    /** @return a Vert.x buffer over the remaining bytes of {@code b} (shares its memory). */
    public static Buffer vertx(ByteBuffer b) {
        return BufferInternal.buffer(Unpooled.wrappedBuffer(b.slice()));
    }

    /** @return a zero-filled buffer of {@code n} bytes. */
    public static Buffer zeroes(int n) {
        return BufferInternal.buffer(Unpooled.wrappedBuffer(new byte[n]));
    }
}
