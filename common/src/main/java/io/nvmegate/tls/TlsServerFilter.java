package io.nvmegate.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nvmegate.protocol.tls.PskIdentity;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.function.Consumer;

/**
 * The TLS 1.3 layer of one NVMe/TCP connection on the target (NVMe/TCP 1.1 section 3.6.1), between the socket and
 * the PDU framer: ciphertext from the socket goes in through {@link #receive}, which returns the plaintext (the PDU
 * byte stream); PDUs to send go through {@link #seal}, which returns the TLS records to write. Handshake records
 * and alerts BC produces while reading go straight to {@code wire}, so everything reaches the socket in the order BC
 * produced it. Bouncy Castle's {@link TlsServerProtocol} in non-blocking mode ({@code offerInput}/{@code readInput}/
 * {@code readOutput}); crypto through the JDK's providers ({@code JcaTlsCrypto}: AES-GCM and X25519 intrinsics).
 *
 * <p>Single-threaded: the queue's event loop only.
 */
public final class TlsServerFilter {
    /** TLS record content type handshake (RFC 8446 section 5.1): the first byte of a ClientHello. */
    public static final byte HANDSHAKE_RECORD = 0x16;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    static final TlsCrypto CRYPTO = new JcaTlsCryptoProvider().create(new SecureRandom());

    private final TlsServerProtocol protocol = new TlsServerProtocol();
    private final PskTlsServer server;
    private final Consumer<ByteBuf> wire;
    private boolean established;

    /**
     * @param psks the port's PSKs
     * @param wire writes TLS records produced outside {@link #seal} (handshake, alerts) to the socket
     */
    public TlsServerFilter(TlsPskSource psks, Consumer<ByteBuf> wire) throws IOException {
        this.server = new PskTlsServer(CRYPTO, psks);
        this.wire = wire;
        protocol.accept(server); // non-blocking: waits for the ClientHello
    }

    /**
     * Takes bytes received from the socket.
     *
     * @return the application data (PDU bytes) now available, possibly none; a new buffer each time
     * @throws IOException when the handshake fails (wrong or unknown PSK, not TLS 1.3) or a record is bad; the
     *                     alert has been written to {@code wire}
     */
    public ByteBuffer receive(ByteBuf ciphertext) throws IOException {
        byte[] in = new byte[ciphertext.readableBytes()];
        ciphertext.getBytes(ciphertext.readerIndex(), in);
        try {
            protocol.offerInput(in);
        } finally {
            drain();
        }
        if (!established && protocol.isConnected()) established = true;
        int n = protocol.getAvailableInputBytes();
        if (n == 0) return EMPTY;
        ByteBuffer plain = ByteBuffer.allocate(n);
        protocol.readInput(plain, n);
        return plain.flip();
    }

    /**
     * @param plaintext PDU bytes to send (released here)
     * @return the TLS records carrying them
     */
    public ByteBuf seal(ByteBuf plaintext) throws IOException {
        try {
            int n = plaintext.readableBytes();
            if (plaintext.hasArray()) {
                protocol.writeApplicationData(plaintext.array(), plaintext.arrayOffset() + plaintext.readerIndex(), n);
            } else {
                byte[] a = new byte[n];
                plaintext.getBytes(plaintext.readerIndex(), a);
                protocol.writeApplicationData(a, 0, n);
            }
        } finally {
            plaintext.release();
        }
        return output();
    }

    /** Sends close_notify (to {@code wire}); the socket is closed by the caller. */
    public void close() {
        try {
            protocol.close();
        } catch (IOException ignored) {
            // the connection is going anyway
        }
        drain();
    }

    /** @return whether the handshake completed */
    public boolean established() {
        return established;
    }

    /** @return whether the host closed the TLS session (close_notify) or it failed */
    public boolean closed() {
        return protocol.isClosed();
    }

    /** The PSK identity the handshake used (null before it completed). */
    public PskIdentity identity() {
        return established ? server.chosen() : null;
    }

    /** Why the handshake failed, for the log (no key material). */
    public String refusal() {
        return server.refusal();
    }

    private void drain() {
        ByteBuf out = output();
        if (out.isReadable()) wire.accept(out);
        else out.release();
    }

    private ByteBuf output() {
        int n = protocol.getAvailableOutputBytes();
        if (n == 0) return Unpooled.EMPTY_BUFFER;
        byte[] out = new byte[n];
        protocol.readOutput(out, 0, n);
        return Unpooled.wrappedBuffer(out);
    }
}
