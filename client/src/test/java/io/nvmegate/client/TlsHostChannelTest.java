package io.nvmegate.client;

import io.nvmegate.protocol.tls.ConfiguredPsk;
import io.nvmegate.protocol.tls.PskHash;
import io.nvmegate.protocol.tls.TlsPsk;
import io.nvmegate.protocol.tls.TlsPskDerivation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host library's TLS layer against {@code openssl s_server} as an independent TLS 1.3 peer (external PSK, no
 * certificate, {@code -rev}: it sends every line back reversed): the handshake with the PSK and identity this host
 * derives, application data both ways, and a wrong PSK refused. Skipped only when openssl is missing, failed then
 * under CI=true. Also: ConnectOptions rejects a malformed key without echoing it.
 */
class TlsHostChannelTest {
    static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000d1";
    static final String SUB = "nqn.2026-12.io.nvmegate:client-tls";

    static void requireOpenssl() {
        boolean have;
        try {
            have = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            have = false;
        }
        if (!have) {
            assertThat(System.getenv("CI")).as("openssl is required under CI").isNotEqualTo("true");
            Assumptions.abort("openssl not installed");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts s_server with {@code serverPsk}; returns when it accepts connections. */
    static Process sServer(int port, TlsPsk serverPsk) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-tls1_3", "-nocert", "-rev",
                "-psk", HexFormat.of().formatHex(serverPsk.key()), "-psk_identity", serverPsk.identity().toString(),
                "-ciphersuites", "TLS_AES_128_GCM_SHA256", "-naccept", "1")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        long end = System.currentTimeMillis() + 10_000;
        for (String line; System.currentTimeMillis() < end && (line = out.readLine()) != null; ) {
            if (line.contains("ACCEPT")) return p;
        }
        p.destroyForcibly();
        throw new IllegalStateException("openssl s_server did not start");
    }

    static SocketChannel connect(int port) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        ch.socket().setSoTimeout(10_000);
        return ch;
    }

    @Test
    void talksToOpensslServer() throws Exception {
        requireOpenssl();
        for (int version = 0; version <= 1; version++) {
            TlsPsk psk = TlsPskDerivation.derive(ConfiguredPsk.generate(PskHash.SHA256), HOST, SUB, version);
            int port = freePort();
            Process server = sServer(port, psk);
            try (TlsHostChannel tls = TlsHostChannel.handshake(connect(port), psk)) {
                tls.write(new ByteBuffer[]{ByteBuffer.wrap("nvme-over-tls\n".getBytes(StandardCharsets.US_ASCII))});
                ByteBuffer in = ByteBuffer.allocate(64);
                while (in.position() < 14 && tls.read(in) >= 0) { /* until the reversed line is in */ }
                assertThat(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII)).as("identity v%d", version).isEqualTo("slt-revo-emvn\n");
            } finally {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void wrongPskFailsTheHandshake() throws Exception {
        requireOpenssl();
        TlsPsk serverPsk = TlsPskDerivation.derive(ConfiguredPsk.generate(PskHash.SHA256), HOST, SUB, 0);
        TlsPsk mine = TlsPskDerivation.derive(ConfiguredPsk.generate(PskHash.SHA256), HOST, SUB, 0); // same identity, other key
        int port = freePort();
        Process server = sServer(port, serverPsk);
        try {
            assertThatThrownBy(() -> TlsHostChannel.handshake(connect(port), mine)).isInstanceOf(IOException.class);
        } finally {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void optionsRejectABadKeyWithoutEchoingIt() {
        String bad = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaS:";
        assertThatThrownBy(() -> ConnectOptions.builder("127.0.0.1", 4420).tlsPsk(bad).build())
                .hasMessageContaining("CRC-32").message().doesNotContain("AAECAw");
        ConnectOptions o = ConnectOptions.builder("127.0.0.1", 4420).tlsPsk(ConfiguredPsk.generate(PskHash.SHA384).encode()).build();
        assertThat(o.tlsPsk().hash()).isEqualTo(PskHash.SHA384);
        assertThat(o.toString()).doesNotContain("NVMeTLSkey").contains("tls");
        assertThat(o.toBuilder().build().tlsPsk().key()).isEqualTo(o.tlsPsk().key());
    }
}
