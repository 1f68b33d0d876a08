package io.nvmegate.testkit;

import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.Sqe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Connection storms against an NVMe/TCP target (issue 18, "Connection storms and leaks"): one {@link #cycle} opens
 * a connection, takes it to a {@link Stage} of the NVMe/TCP and Fabrics set-up, and closes it either cleanly
 * ({@link Close#FIN}) or abruptly ({@link Close#RST}: a half-sent PDU, then a TCP reset by SO_LINGER 0). A test counts
 * the target's file descriptors, controllers, timers and meters before and after many cycles ({@link LeakCounts}).
 */
public final class ConnectionStorm {
    /** How far a cycle goes before it closes. */
    public enum Stage {
        /** TCP connect only (RST: half an ICReq). */
        TCP,
        /** ICReq / ICResp (NVMe/TCP 1.0 section 3.6.2.2), no Connect (RST: half a command capsule). */
        ICREQ,
        /** ICReq, admin-queue Connect (KATO 30 s), Property Set CC.EN = 1 (RST: half a command capsule). */
        ADMIN_CONNECT,
        /** {@link #ADMIN_CONNECT}, then an I/O queue (QID 1) on a second connection (RST: half a capsule on it). */
        IO_CONNECT,
        /** {@link #IO_CONNECT}, then the first 36 of the 72 bytes of a Write capsule on the I/O queue. */
        MID_CAPSULE,
        /** {@link #IO_CONNECT}, then a Write of 2 blocks by R2T: the R2T is received and half an H2CData PDU sent. */
        MID_H2CDATA
    }

    /** How a cycle ends. */
    public enum Close {
        /** The host closes its sockets (FIN), the I/O queue first. */
        FIN,
        /** Half-sent PDU, then each socket reset (SO_LINGER 0, RST), the I/O queue first. */
        RST
    }

    private final int port;
    private final String subnqn;
    private final int nsid;
    private final int blockSize;
    private final RawNvmeTcpHost.Options options;

    /**
     * @param port   the target's NVMe/TCP port on 127.0.0.1
     * @param subnqn subsystem the Connects name
     * @param nsid      namespace the Writes of {@link Stage#MID_CAPSULE} and {@link Stage#MID_H2CDATA} address
     * @param blockSize its LBA size, bytes (the Write of {@link Stage#MID_H2CDATA} is 2 blocks, by one R2T)
     */
    public ConnectionStorm(int port, String subnqn, int nsid, int blockSize) {
        this.port = port;
        this.subnqn = subnqn;
        this.nsid = nsid;
        this.blockSize = blockSize;
        this.options = RawNvmeTcpHost.Options.defaults().timeout(Duration.ofSeconds(10));
    }

    /** Runs {@code n} cycles of {@code stage} closed by {@code close}. */
    public void cycles(int n, Stage stage, Close close) throws Exception {
        for (int i = 0; i < n; i++) cycle(stage, close);
    }

    /** One connection (two from {@link Stage#IO_CONNECT} on) taken to {@code stage}, then closed by {@code close}. */
    public void cycle(Stage stage, Close close) throws Exception {
        RawNvmeTcpHost admin = RawNvmeTcpHost.connect(port, options);
        RawNvmeTcpHost io = null;
        try {
            if (stage == Stage.TCP) {
                if (close == Close.RST) halfOf(admin, PduCodec.encode(new Pdu.ICReq(0, 0, false, false, 0), false, false));
                return;
            }
            admin.handshake();
            if (stage == Stage.ICREQ) {
                if (close == Close.RST) halfOf(admin, capsule(admin));
                return;
            }
            admin.adminQueue(subnqn);
            if (stage == Stage.ADMIN_CONNECT) {
                if (close == Close.RST) halfOf(admin, capsule(admin));
                return;
            }
            io = admin.ioQueue(1, 31, false, false);
            switch (stage) {
                case IO_CONNECT -> {
                    if (close == Close.RST) halfOf(io, capsule(io));
                }
                case MID_CAPSULE -> halfOf(io, capsule(io));
                case MID_H2CDATA -> {
                    Sqe w = io.write(nsid, 0, 2, 2 * blockSize, false);
                    io.send(new Pdu.CapsuleCmd(w, ByteBuffer.allocate(0)));
                    Pdu.R2T r2t = io.receive(Pdu.R2T.class);
                    halfOf(io, PduCodec.encode(new Pdu.H2CData(r2t.cccid(), r2t.ttag(), 0, true,
                            ByteBuffer.allocate(r2t.r2tl())), false, false));
                }
                default -> throw new IllegalStateException(stage.name());
            }
        } finally {
            if (io != null) end(io, close);
            end(admin, close);
        }
    }

    /** A Write capsule of one block by R2T (72 bytes: no in-capsule data, no digests). */
    private ByteBuffer capsule(RawNvmeTcpHost h) {
        return PduCodec.encode(new Pdu.CapsuleCmd(h.write(nsid, 0, 1, blockSize, false), ByteBuffer.allocate(0)), false, false);
    }

    /** Sends the first half of the bytes of {@code pdu}: a PDU the target has begun and never ends. */
    private static void halfOf(RawNvmeTcpHost h, ByteBuffer pdu) throws IOException {
        h.sendRaw(pdu.duplicate().limit(pdu.position() + pdu.remaining() / 2));
    }

    private static void end(RawNvmeTcpHost h, Close close) throws IOException {
        if (close == Close.RST) {
            try {
                h.socket().setSoLinger(true, 0);
            } catch (IOException ignored) { // already reset by the target
            }
        }
        h.close();
    }
}
