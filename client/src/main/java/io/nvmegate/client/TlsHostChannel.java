package io.nvmegate.client;

import io.nvmegate.protocol.tls.TlsPsk;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Vector;

/**
 * A queue's byte stream over TLS 1.3 with an external PSK (NVMe/TCP 1.1 section 3.6.1): Bouncy Castle's
 * {@link TlsClientProtocol} in blocking mode over the connected socket, offering one PSK identity and the cipher
 * suite of its hash (TLS_AES_128_GCM_SHA256 for 01, TLS_AES_256_GCM_SHA384 for 02), psk_dhe_ke, no certificates.
 * Reads (the queue's reader thread) and writes (under the queue's write lock) may run at the same time: BC
 * serializes record writes itself and reads without a lock.
 */
final class TlsHostChannel implements QueueStream {
    private static final TlsCrypto CRYPTO = new JcaTlsCryptoProvider().create(new SecureRandom());

    private final SocketChannel socket;
    private final TlsClientProtocol protocol;
    private final byte[] readBuf = new byte[64 * 1024];
    private volatile boolean open = true;

    private TlsHostChannel(SocketChannel socket, TlsClientProtocol protocol) {
        this.socket = socket;
        this.protocol = protocol;
    }

    /**
     * Runs the TLS handshake on the connected, blocking {@code socket}.
     *
     * @throws IOException when the handshake fails (the target does not know the PSK: BC reports the alert)
     */
    static TlsHostChannel handshake(SocketChannel socket, TlsPsk psk) throws IOException {
        TlsClientProtocol p = new TlsClientProtocol(socket.socket().getInputStream(), socket.socket().getOutputStream());
        p.connect(new PskClient(psk));
        return new TlsHostChannel(socket, p);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) throw new ClosedChannelException();
        int n;
        try {
            n = protocol.readApplicationData(readBuf, 0, Math.min(readBuf.length, dst.remaining()));
        } catch (IOException e) {
            if (!socket.isOpen()) throw new ClosedChannelException(); // closed by this side (timeout, close())
            throw e;
        }
        if (n < 0) return -1;
        dst.put(readBuf, 0, n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (!open) throw new ClosedChannelException();
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = srcs[i];
            int n = b.remaining();
            if (n == 0) continue;
            if (b.hasArray()) {
                protocol.writeApplicationData(b.array(), b.arrayOffset() + b.position(), n);
                b.position(b.limit());
            } else {
                byte[] a = new byte[n];
                b.get(a);
                protocol.writeApplicationData(a, 0, n);
            }
            total += n;
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[]{src}, 0, 1);
    }

    @Override
    public boolean isOpen() {
        return open && socket.isOpen();
    }

    /** Sends close_notify when it can, then closes the socket. */
    @Override
    public void close() throws IOException {
        if (!open) return;
        open = false;
        try {
            if (socket.isOpen()) protocol.close();
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            socket.close();
        }
    }

    /** The TLS 1.3 client of one queue: one external PSK, its cipher suite, no certificate accepted. */
    private static final class PskClient extends AbstractTlsClient {
        private final TlsPsk psk;

        PskClient(TlsPsk psk) {
            super(CRYPTO);
            this.psk = psk;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv13.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[]{psk.cipherSuite()};
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Vector getExternalPSKs() {
            byte[] key = psk.key();
            Vector v = new Vector();
            v.add(new BasicTlsPSKExternal(psk.identity().toString().getBytes(StandardCharsets.US_ASCII), getCrypto().createSecret(key),
                    psk.cipherSuite() == 0x1302 ? PRFAlgorithm.tls13_hkdf_sha384 : PRFAlgorithm.tls13_hkdf_sha256));
            Arrays.fill(key, (byte) 0);
            return v;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    throw new TlsFatalAlert(AlertDescription.handshake_failure, "a PSK session has no certificate");
                }

                @Override
                public TlsCredentials getClientCredentials(org.bouncycastle.tls.CertificateRequest request) {
                    return null;
                }
            };
        }
    }
}
