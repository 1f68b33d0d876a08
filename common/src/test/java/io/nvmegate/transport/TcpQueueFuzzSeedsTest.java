package io.nvmegate.transport;

import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.IoQueue;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduFramer;
import io.nvmegate.testkit.FuzzSeeds;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeds of {@link TcpQueueFuzzTest#streamAfterICReq} recorded from real sessions: the Java host library
 * ({@link NvmeTcpHost}) connects to a real {@link NvmeTcpServer} through a recording TCP proxy on 127.0.0.1 (admin
 * queue: Connect, Property Get/Set, Identify, Set Features Number of Queues, Keep Alive on the way out, Disconnect;
 * one I/O queue: Writes in-capsule (4 KiB) and by R2T/H2CData (16 KiB), Reads, Flush), once without and once with
 * header and data digests. What the host sent after its ICReq becomes a seed: the admin connection in mode 0, the
 * I/O connection after its Connect in mode 2 (the fuzz test connects the I/O queue itself), whole and in 13-byte
 * segments. With {@code -Dfuzz.writeSeeds=true} it (re)records them; otherwise it checks that every committed seed
 * is still a stream of PDUs the target's framer and codec accept. docs/fuzz-corpus.md.
 */
class TcpQueueFuzzSeedsTest {
    static final String HOSTNQN = "nqn.2014-08.org.nvmexpress:uuid:0c0ffee0-0000-4000-8000-0000000000cc";

    @Test
    void streamAfterICReqSeeds() throws Exception {
        if (FuzzSeeds.writing()) {
            record(false);
            record(true);
            return;
        }
        Map<String, byte[]> committed = FuzzSeeds.read(TcpQueueFuzzTest.class, "streamAfterICReq");
        assertThat(committed).as("regenerate: -Dfuzz.writeSeeds=true").isNotEmpty();
        for (Map.Entry<String, byte[]> e : committed.entrySet()) {
            byte[] in = e.getValue();
            boolean hd = (in[1] & 1) != 0, dd = (in[1] & 2) != 0;
            List<Pdu> pdus = new ArrayList<>();
            new PduFramer(true, TransportConfig.defaults().maxPduLength())
                    .process(ByteBuffer.wrap(in, TcpQueueFuzzTest.HEADER, in.length - TcpQueueFuzzTest.HEADER), p -> pdus.add(PduCodec.decode(p, hd, dd)));
            assertThat(pdus).as(e.getKey()).isNotEmpty().allMatch(p -> p.type().hostToController);
        }
    }

    /** One session of the host library through the recording proxy; writes its seeds. */
    private static void record(boolean digests) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Recorder proxy = new Recorder()) {
            Subsystem s = new Subsystem(TcpQueueFuzzTest.NQN, Subsystem.Identity.of("SN-SEED", "seed", "1"), new TcpQueueFuzzTest.FuzzCommandSet(), h -> true);
            FabricsConnect connect = new FabricsConnect(n -> n.equals(TcpQueueFuzzTest.NQN) ? s : null, new ControllerRegistry(1, 100),
                    TransportConfig.defaults(), vertx);
            NvmeTcpServer server = new NvmeTcpServer(vertx, "127.0.0.1", 0, TransportConfig.defaults(), connect);
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            proxy.start(server.actualPort());
            ConnectOptions o = ConnectOptions.builder("127.0.0.1", proxy.port()).subsystemNqn(TcpQueueFuzzTest.NQN).hostNqn(HOSTNQN)
                    .ioQueues(1).keepAliveTimeoutMs(0).headerDigest(digests).dataDigest(digests).build();
            try (NvmeController c = NvmeTcpHost.connect(o)) {
                c.identifyController();
                c.getFeatures(Opcodes.FEAT_NUMBER_OF_QUEUES, 0, 0);
                IoQueue q = c.io(1);
                q.write(1, 0, new byte[4096], 512, false);
                q.write(1, 8, new byte[16 * 1024], 512, true); // above the 8 KiB in-capsule size: R2T, H2CData
                q.read(1, 0, 8, 512);
                q.flush(1);
            }
            Thread.sleep(200);
            List<byte[]> streams = proxy.hostStreams();
            assertThat(streams).hasSize(2);
            String dg = digests ? "-digests" : "";
            for (int i = 0; i < streams.size(); i++) {
                List<ByteBuffer> pdus = new ArrayList<>();
                new PduFramer(true, Integer.MAX_VALUE).feed(ByteBuffer.wrap(streams.get(i)), p -> pdus.add(copy(p)));
                boolean io = i > 0;
                int skip = io ? 2 : 1; // ICReq (the fuzz test sends its own), and on the I/O queue the Connect as well
                ByteArrayOutputStream rest = new ByteArrayOutputStream();
                for (ByteBuffer p : pdus.subList(skip, pdus.size())) rest.write(p.array());
                for (int segment : new int[] {0, 13}) {
                    byte[] in = new byte[TcpQueueFuzzTest.HEADER + rest.size()];
                    in[0] = (byte) (io ? 2 : 0);
                    in[1] = (byte) (digests ? 3 : 0);
                    in[2] = (byte) segment;
                    System.arraycopy(rest.toByteArray(), 0, in, TcpQueueFuzzTest.HEADER, rest.size());
                    FuzzSeeds.write(TcpQueueFuzzTest.class, "streamAfterICReq",
                            "java-host-" + (io ? "io" : "admin") + dg + (segment > 0 ? "-seg" + segment : ""), in);
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static ByteBuffer copy(ByteBuffer p) {
        byte[] a = new byte[p.remaining()];
        p.duplicate().get(a);
        return ByteBuffer.wrap(a);
    }

    /** A TCP proxy on 127.0.0.1 that keeps what each host connection sent, in accept order. */
    static final class Recorder implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<ByteArrayOutputStream> recorded = new ArrayList<>();
        private final List<Socket> sockets = new ArrayList<>();

        Recorder() throws IOException {}

        int port() { return listener.getLocalPort(); }

        void start(int targetPort) {
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        Socket host = listener.accept();
                        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                        ByteArrayOutputStream rec = new ByteArrayOutputStream();
                        synchronized (this) {
                            recorded.add(rec);
                            sockets.add(host);
                            sockets.add(target);
                        }
                        pump(host.getInputStream(), target.getOutputStream(), rec, target);
                        pump(target.getInputStream(), host.getOutputStream(), null, host);
                    }
                } catch (IOException closed) {
                    // the proxy was closed
                }
            }, "seed-recorder");
            accept.setDaemon(true);
            accept.start();
        }

        private static void pump(InputStream in, OutputStream out, ByteArrayOutputStream rec, Socket to) {
            Thread t = new Thread(() -> {
                byte[] b = new byte[65536];
                try {
                    for (int n; (n = in.read(b)) > 0; ) {
                        if (rec != null) synchronized (rec) { rec.write(b, 0, n); }
                        out.write(b, 0, n);
                    }
                    to.shutdownOutput();
                } catch (IOException closed) {
                    // either side closed
                }
            }, "seed-pump");
            t.setDaemon(true);
            t.start();
        }

        synchronized List<byte[]> hostStreams() {
            List<byte[]> out = new ArrayList<>();
            for (ByteArrayOutputStream r : recorded) synchronized (r) { out.add(r.toByteArray()); }
            return out;
        }

        @Override
        public synchronized void close() throws IOException {
            listener.close();
            for (Socket s : sockets) s.close();
        }
    }
}
