package io.nvmegate.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;

/** The byte stream of one queue: its socket ({@link #of}), or the TLS session over it ({@link TlsHostChannel}). */
interface QueueStream extends ReadableByteChannel, GatheringByteChannel {
    /** @return the plaintext stream of a connected, blocking socket */
    static QueueStream of(SocketChannel ch) {
        return new QueueStream() {
            @Override public int read(ByteBuffer dst) throws IOException { return ch.read(dst); }
            @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException { return ch.write(srcs, offset, length); }
            @Override public long write(ByteBuffer[] srcs) throws IOException { return ch.write(srcs); }
            @Override public int write(ByteBuffer src) throws IOException { return ch.write(src); }
            @Override public boolean isOpen() { return ch.isOpen(); }
            @Override public void close() throws IOException { ch.close(); }
        };
    }
}
