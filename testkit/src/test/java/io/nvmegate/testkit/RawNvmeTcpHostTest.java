package io.nvmegate.testkit;

import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduFramer;
import io.nvmegate.protocol.Sqe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kit's host against a scripted target on a real socket (the target side is {@code protocol}'s codec): the
 * bytes it sends (ICReq, Connect data by {@link ConnectData}, H2CData split at MAXH2CDATA), and how it collects
 * C2HData (at DATAO, LAST + SUCCESS ends the command) and times out.
 */
class RawNvmeTcpHostTest {
    final ServerSocket listener;
    Socket peer;
    DataInputStream peerIn;
    OutputStream peerOut;

    RawNvmeTcpHostTest() throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")); // bound right away: no picker needed
    }

    @AfterEach
    void close() throws Exception {
        if (peer != null) peer.close();
        listener.close();
    }

    /** Target side: accepts the connection (once). */
    void accept() throws Exception {
        if (peer != null) return;
        peer = listener.accept();
        peer.setSoTimeout(10_000);
        peerIn = new DataInputStream(peer.getInputStream());
        peerOut = peer.getOutputStream();
    }

    Pdu targetReceives() throws Exception {
        accept();
        byte[] h = new byte[8];
        peerIn.readFully(h);
        byte[] all = new byte[ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(4)];
        System.arraycopy(h, 0, all, 0, 8);
        peerIn.readFully(all, 8, all.length - 8);
        List<ByteBuffer> got = new ArrayList<>();
        new PduFramer(true, 1 << 20).process(ByteBuffer.wrap(all), got::add);
        return PduCodec.decode(got.get(0), false, false);
    }

    void targetSends(Pdu p) throws Exception {
        ByteBuffer b = PduCodec.encode(p, false, false);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        peerOut.write(a);
        peerOut.flush();
    }

    RawNvmeTcpHost handshaken(int maxh2cdata) throws Exception {
        RawNvmeTcpHost h = RawNvmeTcpHost.connect(listener.getLocalPort());
        CompletableFuture<Pdu> icreq = CompletableFuture.supplyAsync(() -> {
            try {
                Pdu p = targetReceives();
                targetSends(new Pdu.ICResp(0, 0, false, false, maxh2cdata));
                return p;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        h.handshake();
        assertThat(icreq.get(10, TimeUnit.SECONDS)).isEqualTo(new Pdu.ICReq(0, 0, false, false, 0));
        return h;
    }

    @Test
    void connectCarriesTheConnectDataLayout() throws Exception {
        try (RawNvmeTcpHost h = handshaken(8192)) {
            CompletableFuture<Pdu> cmd = CompletableFuture.supplyAsync(() -> {
                try {
                    Pdu.CapsuleCmd c = (Pdu.CapsuleCmd) targetReceives();
                    targetSends(new Pdu.CapsuleResp(new Cqe(7, 0, 1, 0, c.sqe().cid(), 0)));
                    return c;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Cqe c = h.connect("nqn.2026-11.io.nvmegate:kit", 2, 63, 4, 7);
            assertThat(c.dw0()).isEqualTo(7);
            Pdu.CapsuleCmd sent = (Pdu.CapsuleCmd) cmd.get(10, TimeUnit.SECONDS);
            Sqe sqe = sent.sqe();
            assertThat(sqe.u16(42)).as("QID").isEqualTo(2);
            assertThat(sqe.u16(44)).as("SQSIZE").isEqualTo(63);
            assertThat(sqe.u8(46)).as("CATTR").isEqualTo(4);
            assertThat(sqe.u32(48)).as("KATO on an I/O queue").isZero();
            assertThat(sqe.sglLength()).isEqualTo(ConnectData.SIZE);
            ConnectData d = ConnectData.decode(sent.data());
            assertThat(d).isEqualTo(new ConnectData(RawNvmeTcpHost.hostIdOf(RawNvmeTcpHost.HOSTNQN), 7,
                    "nqn.2026-11.io.nvmegate:kit", RawNvmeTcpHost.HOSTNQN));
        }
    }

    @Test
    void executeAnswersR2TInMaxH2CDataPiecesAndCollectsC2HDataAtItsOffset() throws Exception {
        try (RawNvmeTcpHost h = handshaken(4096)) {
            byte[] data = new byte[10_000];
            for (int i = 0; i < data.length; i++) data[i] = (byte) i;
            CompletableFuture<List<Pdu.H2CData>> target = CompletableFuture.supplyAsync(() -> {
                try {
                    Pdu.CapsuleCmd c = (Pdu.CapsuleCmd) targetReceives();
                    assertThat(c.data().remaining()).as("no in-capsule data with a transport SGL").isZero();
                    targetSends(new Pdu.R2T(c.sqe().cid(), 5, 0, data.length));
                    List<Pdu.H2CData> got = new ArrayList<>();
                    do got.add((Pdu.H2CData) targetReceives()); while (!got.get(got.size() - 1).last());
                    targetSends(new Pdu.CapsuleResp(new Cqe(0, 0, 2, 1, c.sqe().cid(), 0)));
                    return got;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Sqe w = h.write(1, 0, 3, data.length, false);
            assertThat(h.execute(w, data).success()).isTrue();
            List<Pdu.H2CData> pieces = target.get(10, TimeUnit.SECONDS);
            assertThat(pieces).extracting(Pdu.H2CData::datao).containsExactly(0, 4096, 8192);
            assertThat(pieces).extracting(p -> p.data().remaining()).containsExactly(4096, 4096, 1808);
            assertThat(pieces).allSatisfy(p -> assertThat(p.ttag()).isEqualTo(5));

            Sqe r = h.read(1, 0, 2, 8192);
            CompletableFuture<Void> reads = CompletableFuture.runAsync(() -> {
                try {
                    Pdu.CapsuleCmd c = (Pdu.CapsuleCmd) targetReceives();
                    targetSends(new Pdu.C2HData(c.sqe().cid(), 4096, false, false, ByteBuffer.wrap(data, 4096, 4096).slice()));
                    targetSends(new Pdu.C2HData(c.sqe().cid(), 0, true, true, ByteBuffer.wrap(data, 0, 4096).slice()));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            RawNvmeTcpHost.Completion done = h.execute(r, null);
            reads.get(10, TimeUnit.SECONDS);
            assertThat(done.success()).as("LAST + SUCCESS: no CapsuleResp").isTrue();
            assertThat(done.cqe().cid()).isEqualTo(r.cid());
            assertThat(done.data()).isEqualTo(java.util.Arrays.copyOf(data, 8192));
        }
    }

    @Test
    void everyReadTimesOut() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(listener.getLocalPort(),
                RawNvmeTcpHost.Options.defaults().timeout(Duration.ofMillis(300)))) {
            accept();
            long t0 = System.nanoTime();
            assertThatThrownBy(h::receive).isInstanceOf(SocketTimeoutException.class);
            assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
            assertThat(h.closedWithin(100)).isFalse();
            peer.close();
            assertThat(h.closedWithin(5000)).isTrue();
        }
    }
}
