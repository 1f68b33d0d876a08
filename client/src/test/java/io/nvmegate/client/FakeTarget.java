package io.nvmegate.client;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.PduFramer;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A minimal in-process NVMe/TCP controller for testing the host library over loopback. It is strict about what
 * the host sends (digests, SGL types, H2CData offsets/LAST flags, CID reuse, queue depth) and records every
 * violation in {@link #violations}. Commands complete out of order (a worker pool with random delays); reads
 * are split into several C2HData PDUs and writes above the in-capsule size are fetched with several R2Ts, all
 * with cumulative offsets.
 */
final class FakeTarget implements AutoCloseable {
    static final String NQN = "nqn.2024-01.io.nvmegate:test";
    static final int NSID = 1;

    // Configuration (set before the host connects).
    volatile int blockSize = 512;
    volatile long blocks = 32768; // 16 MiB at 512 B
    volatile int maxH2CData = 32768;
    volatile int r2tChunk = 100_000; // R2TL per R2T (not a multiple of MAXH2CDATA on purpose)
    volatile int c2hChunk = 40_000;
    volatile int ioccsz = (64 + 8192) / 16;
    volatile int cpda = 0;
    volatile int mqes = 1023;
    volatile int maxcmd = 0;
    volatile int cntlid = 7;
    volatile boolean useSuccessFlagWhenAllowed = true;
    volatile int discoveryRecords = 0;
    volatile int bumpGenctrTimes = 0;
    volatile int maxDelayMicros = 300;
    /** I/O opcode that makes the controller send a C2HTermReq (FES 2, FEI 0) and close. */
    static final int OPC_TERMINATE = 0xC1;
    /** I/O opcode that is never answered. */
    static final int OPC_BLACKHOLE = 0xC2;

    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger keepAlives = new AtomicInteger();
    final AtomicInteger r2tsSent = new AtomicInteger();
    final AtomicInteger inCapsuleWrites = new AtomicInteger();
    final AtomicInteger h2cPdus = new AtomicInteger();
    final AtomicInteger maxOutstanding = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicLong genctr = new AtomicLong(1);
    final List<Integer> connectQids = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> connectSqsizes = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> connectKatos = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> connectCntlids = Collections.synchronizedList(new ArrayList<>());
    final List<Long> propertySets = Collections.synchronizedList(new ArrayList<>());
    volatile String lastHostNqn;
    volatile byte[] media;

    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "fake-target-worker");
        t.setDaemon(true);
        return t;
    });
    private final List<Conn> conns = Collections.synchronizedList(new ArrayList<>());
    private volatile long cc;
    private volatile boolean closed;

    FakeTarget() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        acceptor = new Thread(this::acceptLoop, "fake-target-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    ConnectOptions.Builder options() {
        return ConnectOptions.builder("127.0.0.1", port()).subsystemNqn(NQN).connectTimeoutMs(5000).commandTimeoutMs(10_000);
    }

    private synchronized byte[] media() {
        if (media == null) media = new byte[Math.toIntExact(blocks * blockSize)];
        return media;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                ch.socket().setTcpNoDelay(true);
                Conn c = new Conn(ch);
                conns.add(c);
                connections.incrementAndGet();
                Thread t = new Thread(c::run, "fake-target-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Closes every host connection abruptly (the listener stays open). */
    void dropConnections() {
        synchronized (conns) {
            for (Conn c : conns) c.kill();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        dropConnections();
        workers.shutdownNow();
    }

    void violation(String s) {
        violations.add(s);
    }

    /** A command whose data is being fetched with R2Ts. */
    private static final class Inbound {
        final Sqe sqe;
        final ByteBuffer data;
        final int ttag;
        int received;
        int r2tEnd;

        Inbound(Sqe sqe, int len, int ttag) {
            this.sqe = sqe;
            this.data = ByteBuffer.allocate(len);
            this.ttag = ttag;
        }
    }

    private final class Conn {
        final SocketChannel ch;
        final ReentrantLock wl = new ReentrantLock();
        final PduFramer framer = new PduFramer(true, 16 << 20);
        final Map<Integer, Sqe> outstanding = new ConcurrentHashMap<>();
        final Map<Integer, Inbound> inbound = new ConcurrentHashMap<>();
        final AtomicInteger nextTtag = new AtomicInteger(1);
        boolean hd;
        boolean dd;
        int qid = -1;
        int sqsize;
        boolean sqflowDisabled;
        boolean icDone;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void kill() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        void run() {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            try {
                while (true) {
                    buf.clear();
                    if (ch.read(buf) < 0) break;
                    buf.flip();
                    framer.feed(buf, this::onPdu);
                }
            } catch (PduException e) {
                violation("framer: " + e.getMessage());
                kill();
            } catch (Stop s) {
                kill();
            } catch (IOException e) {
                // closed
            } catch (RuntimeException e) {
                violation("target error: " + e);
                kill();
            }
        }

        void send(Pdu p) {
            wl.lock();
            try {
                ByteBuffer b = PduCodec.encode(p, hd, dd);
                while (b.hasRemaining()) ch.write(b);
            } catch (IOException e) {
                // host gone
            } finally {
                wl.unlock();
            }
        }

        void onPdu(ByteBuffer raw) {
            Pdu p;
            try {
                p = PduCodec.decode(raw, hd, dd);
            } catch (PduException e) {
                violation("decode: " + e.getMessage());
                throw new Stop();
            }
            if (!icDone) {
                if (!(p instanceof Pdu.ICReq r)) {
                    violation("first PDU " + p.type());
                    throw new Stop();
                }
                if (raw.remaining() != 128 || r.pfv() != 0 || r.hpda() != 0 || r.maxr2t() != 0) violation("ICReq fields " + r);
                hd = r.hdgst();
                dd = r.ddgst();
                icDone = true;
                boolean h = hd, d = dd;
                hd = false;
                dd = false;
                send(new Pdu.ICResp(0, cpda, h, d, maxH2CData));
                hd = h;
                dd = d;
                return;
            }
            if (p instanceof Pdu.CapsuleCmd c) {
                onCommand(copy(c.sqe()), copyData(c.data()));
            } else if (p instanceof Pdu.H2CData d) {
                onH2C(d);
            } else if (p instanceof Pdu.TermReq t) {
                throw new Stop();
            } else {
                violation("unexpected " + p.type());
                throw new Stop();
            }
        }

        void onCommand(Sqe sqe, ByteBuffer inCapsule) {
            int cid = sqe.cid();
            if (outstanding.putIfAbsent(cid, sqe) != null) violation("QID " + qid + ": CID " + cid + " reused while outstanding");
            int n = outstanding.size();
            maxOutstanding.accumulateAndGet(n, Math::max);
            if (qid > 0 && n > sqsize) violation("QID " + qid + ": " + n + " outstanding > SQSIZE " + sqsize);
            if (sqe.psdt() != 1) violation("PSDT " + sqe.psdt());
            int sglId = sqe.sglId();
            int sglLen = sqe.sglLength();
            boolean hostToCtrl = hostToController(sqe);
            if (sglId == Sqe.SGL_DATA_BLOCK_OFFSET) {
                if (!hostToCtrl) violation("in-capsule SGL on a command without host data: " + sqe);
                if (sqe.sglAddress() != 0) violation("in-capsule SGL offset " + sqe.sglAddress());
                if (inCapsule.remaining() != sglLen) violation("in-capsule " + inCapsule.remaining() + " != SGL length " + sglLen);
                int limit = qid == 0 ? 8192 - 64 : ioccsz * 16 - 64;
                boolean isConnect = sqe.opcode() == Opcodes.FABRICS && sqe.fctype() == Opcodes.FCTYPE_CONNECT;
                if (sglLen > limit && !isConnect) violation("in-capsule data " + sglLen + " > " + limit);
                if (qid > 0 && sqe.opcode() == Opcodes.IO_WRITE) inCapsuleWrites.incrementAndGet();
                execute(sqe, inCapsule);
            } else if (sglId == Sqe.SGL_TRANSPORT_DATA_BLOCK) {
                if (inCapsule.hasRemaining()) violation("in-capsule data with a transport SGL");
                if (hostToCtrl && sglLen > 0) {
                    int limit = qid == 0 ? 8192 - 64 : ioccsz * 16 - 64;
                    if (sglLen <= limit) violation("R2T-transfer for " + sglLen + " bytes that fit in-capsule (" + limit + ")");
                    Inbound in = new Inbound(sqe, sglLen, nextTtag.getAndIncrement() & 0xFFFF);
                    inbound.put(cid, in);
                    sendR2T(in);
                } else {
                    execute(sqe, ByteBuffer.allocate(0));
                }
            } else {
                violation("SGL id 0x" + Integer.toHexString(sglId));
                respond(sqe, Status.dnr(Status.SGL_INVALID_DESCRIPTOR_TYPE), 0, 0);
            }
        }

        void sendR2T(Inbound in) {
            int len = Math.min(r2tChunk, in.data.capacity() - in.r2tEnd);
            r2tsSent.incrementAndGet();
            int off = in.r2tEnd;
            in.r2tEnd += len;
            send(new Pdu.R2T(in.sqe.cid(), in.ttag, off, len));
        }

        void onH2C(Pdu.H2CData d) {
            h2cPdus.incrementAndGet();
            Inbound in = inbound.get(d.cccid());
            if (in == null) {
                violation("H2CData for CID " + d.cccid() + " without R2T");
                throw new Stop();
            }
            int len = d.data().remaining();
            if (d.ttag() != in.ttag) violation("TTAG " + d.ttag() + " != " + in.ttag);
            if (d.datao() != in.received) violation("H2C DATAO " + d.datao() + " != received " + in.received);
            if (len > maxH2CData) violation("H2C DATAL " + len + " > MAXH2CDATA " + maxH2CData);
            if (in.received + len > in.r2tEnd) violation("H2C beyond R2T");
            in.data.put(in.received, d.data(), d.data().position(), len);
            in.received += len;
            boolean endOfR2T = in.received == in.r2tEnd;
            if (d.last() != endOfR2T) violation("LAST_PDU " + d.last() + " at " + in.received + " of R2T ending " + in.r2tEnd);
            if (endOfR2T) {
                if (in.received == in.data.capacity()) {
                    inbound.remove(d.cccid());
                    execute(in.sqe, in.data);
                } else {
                    sendR2T(in);
                }
            }
        }

        void execute(Sqe sqe, ByteBuffer data) {
            if (qid < 0 && !(sqe.opcode() == Opcodes.FABRICS && sqe.fctype() == Opcodes.FCTYPE_CONNECT)) {
                violation("command before Connect");
            }
            if (qid == 0 && sqe.opcode() == Opcodes.ADMIN_ASYNC_EVENT_REQUEST) return; // never completes
            if (qid > 0 && sqe.opcode() == OPC_BLACKHOLE) return;
            if (qid > 0 && sqe.opcode() == OPC_TERMINATE) {
                send(new Pdu.TermReq(false, PduException.FES_PDU_SEQUENCE_ERROR, 0, null));
                kill();
                return;
            }
            if (sqe.opcode() == Opcodes.FABRICS || qid == 0) {
                handle(sqe, data); // admin: in order, on the connection thread
                return;
            }
            workers.execute(() -> {
                int delay = maxDelayMicros;
                if (delay > 0) {
                    long until = System.nanoTime() + ThreadLocalRandom.current().nextInt(delay) * 1000L;
                    while (System.nanoTime() < until) Thread.onSpinWait();
                }
                handle(sqe, data);
            });
        }

        void handle(Sqe sqe, ByteBuffer data) {
            int opc = sqe.opcode();
            if (opc == Opcodes.FABRICS) {
                fabrics(sqe, data);
            } else if (qid == 0) {
                admin(sqe, data);
            } else {
                io(sqe, data);
            }
        }

        void fabrics(Sqe sqe, ByteBuffer data) {
            switch (sqe.fctype()) {
                case Opcodes.FCTYPE_CONNECT: {
                    ByteBuffer d = data.order(ByteOrder.LITTLE_ENDIAN);
                    int q = sqe.u16(42);
                    connectQids.add(q);
                    connectSqsizes.add(sqe.u16(44));
                    connectKatos.add(sqe.u32(48));
                    int cntlidIn = d.getShort(16) & 0xFFFF;
                    connectCntlids.add(cntlidIn);
                    if (sqe.u16(40) != 0) violation("RECFMT " + sqe.u16(40));
                    if (data.remaining() != 1024) violation("Connect data " + data.remaining());
                    String subnqn = ascii(d, 256);
                    lastHostNqn = ascii(d, 512);
                    if (!subnqn.equals(NQN) && !subnqn.equals(Opcodes.DISCOVERY_NQN)) {
                        respond(sqe, Status.dnr(Status.CONNECT_INVALID_PARAMETERS), 1 << 16 | 256, 0);
                        return;
                    }
                    if ((q == 0) != (cntlidIn == 0xFFFF)) violation("Connect QID " + q + " CNTLID " + cntlidIn);
                    if (q > 0 && cntlidIn != cntlid) violation("I/O Connect CNTLID " + cntlidIn);
                    qid = q;
                    sqsize = sqe.u16(44);
                    sqflowDisabled = (sqe.u8(46) & 4) != 0;
                    respond(sqe, 0, cntlid, 0);
                    return;
                }
                case Opcodes.FCTYPE_PROPERTY_GET: {
                    int ofst = sqe.u32(44);
                    boolean size8 = (sqe.u8(40) & 7) == 1;
                    long v;
                    if (ofst == 0) v = (long) mqes | 1L << 16 | 2L << 24 | 1L << 37; // CQR, TO=2 (1 s), CSS NVM
                    else if (ofst == 8) v = 0x00010300;
                    else if (ofst == 0x14) v = cc;
                    else if (ofst == 0x1C) v = ((cc & 1) != 0 ? 1 : 0) | (((cc >> 14) & 3) != 0 ? 2 << 2 : 0);
                    else {
                        respond(sqe, Status.dnr(Status.INVALID_FIELD), 0, 0);
                        return;
                    }
                    if (ofst == 0 && !size8) violation("CAP read with 4 bytes");
                    respond(sqe, 0, (int) v, (int) (v >>> 32));
                    return;
                }
                case Opcodes.FCTYPE_PROPERTY_SET: {
                    if (sqe.u32(44) == 0x14) {
                        cc = sqe.u64(48);
                        propertySets.add(cc);
                    }
                    respond(sqe, 0, 0, 0);
                    return;
                }
                default:
                    respond(sqe, Status.dnr(Status.INVALID_OPCODE), 0, 0);
            }
        }

        void admin(Sqe sqe, ByteBuffer data) {
            switch (sqe.opcode()) {
                case Opcodes.ADMIN_IDENTIFY: {
                    int cns = sqe.cdw(10) & 0xFF;
                    byte[] b = new byte[4096];
                    ByteBuffer o = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                    if (cns == 1) {
                        o.putShort(0, (short) 0x1B36);
                        putAscii(o, 4, 20, "FAKE0001");
                        putAscii(o, 24, 40, "nvmegate fake target");
                        putAscii(o, 64, 8, "0.1");
                        o.put(77, (byte) 0);
                        o.putShort(78, (short) cntlid);
                        o.putInt(80, 0x00010300);
                        o.put(111, (byte) 1);
                        o.put(259, (byte) 3);
                        o.put(261, (byte) 4);
                        o.putShort(320, (short) 10);
                        o.put(512, (byte) 0x66).put(513, (byte) 0x44);
                        o.putShort(514, (short) maxcmd);
                        o.putInt(516, 1);
                        o.putShort(520, (short) 0x0C);
                        o.put(525, (byte) 1);
                        o.putInt(536, 1 | 1 << 20);
                        putAscii(o, 768, 256, NQN);
                        o.putInt(1792, ioccsz);
                        o.putInt(1796, 1);
                    } else if (cns == 0) {
                        if (sqe.nsid() == NSID) {
                            o.putLong(0, blocks).putLong(8, blocks).putLong(16, blocks);
                            o.put(25, (byte) 0).put(26, (byte) 0);
                            o.put(130, (byte) Integer.numberOfTrailingZeros(blockSize));
                            for (int i = 0; i < 16; i++) o.put(104 + i, (byte) (0xA0 + i));
                        }
                    } else if (cns == 2) {
                        if (Integer.compareUnsigned(sqe.nsid(), NSID) < 0) o.putInt(0, NSID);
                    } else if (cns == 3) {
                        o.put(0, (byte) 2).put(1, (byte) 16);
                        for (int i = 0; i < 16; i++) o.put(4 + i, (byte) (0xA0 + i));
                        o.put(20, (byte) 4).put(21, (byte) 1).put(24, (byte) 0);
                    } else {
                        respond(sqe, Status.dnr(Status.INVALID_FIELD), 0, 0);
                        return;
                    }
                    sendData(sqe, b);
                    return;
                }
                case Opcodes.ADMIN_SET_FEATURES: {
                    int fid = sqe.cdw(10) & 0xFF;
                    if (fid == Opcodes.FEAT_NUMBER_OF_QUEUES) {
                        int req = sqe.cdw(11);
                        int nsq = Math.min(req & 0xFFFF, 3);
                        int ncq = Math.min(req >>> 16, 3);
                        respond(sqe, 0, nsq | ncq << 16, 0);
                    } else {
                        respond(sqe, 0, 0, 0);
                    }
                    return;
                }
                case Opcodes.ADMIN_GET_FEATURES:
                    respond(sqe, 0, 0x1234, 0);
                    return;
                case Opcodes.ADMIN_KEEP_ALIVE:
                    keepAlives.incrementAndGet();
                    respond(sqe, 0, 0, 0);
                    return;
                case Opcodes.ADMIN_GET_LOG_PAGE: {
                    int lid = sqe.cdw(10) & 0xFF;
                    int numd = (sqe.cdw(10) >>> 16 | (sqe.cdw(11) & 0xFFFF) << 16) + 1;
                    long lpo = Integer.toUnsignedLong(sqe.cdw(12)) | (long) sqe.cdw(13) << 32;
                    if (numd * 4 != sqe.sglLength()) violation("NUMD " + numd + " vs SGL length " + sqe.sglLength());
                    if (lid != Opcodes.LOG_DISCOVERY) {
                        respond(sqe, Status.dnr(Status.INVALID_FIELD), 0, 0);
                        return;
                    }
                    byte[] page = discoveryPage();
                    if (lpo == 0 && bumpGenctrTimes > 0 && (sqe.cdw(10) & 1 << 15) == 0) {
                        // Change the log between the host's first and second header read.
                        bumpGenctrTimes--;
                        genctr.incrementAndGet();
                        page = discoveryPage();
                    }
                    byte[] out = new byte[numd * 4];
                    if (lpo < page.length) System.arraycopy(page, (int) lpo, out, 0, (int) Math.min(out.length, page.length - lpo));
                    sendData(sqe, out);
                    return;
                }
                default:
                    respond(sqe, Status.dnr(Status.INVALID_OPCODE), 0, 0);
            }
        }

        byte[] discoveryPage() {
            int n = discoveryRecords;
            byte[] p = new byte[1024 + n * 1024];
            ByteBuffer o = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
            o.putLong(0, genctr.get()).putLong(8, n);
            for (int i = 0; i < n; i++) {
                int e = 1024 + i * 1024;
                o.put(e, (byte) 3).put(e + 1, (byte) 1).put(e + 2, (byte) 2).put(e + 3, (byte) 2);
                o.putShort(e + 4, (short) i).putShort(e + 6, (short) 0xFFFF).putShort(e + 8, (short) 32);
                putAscii(o, e + 32, 32, String.valueOf(4420 + i));
                putAscii(o, e + 256, 256, NQN + i);
                putAscii(o, e + 512, 256, "127.0.0." + (i + 1));
            }
            return p;
        }

        void io(Sqe sqe, ByteBuffer data) {
            int opc = sqe.opcode();
            byte[] m = media();
            if (opc == Opcodes.IO_FLUSH) {
                respond(sqe, 0, 0, 0);
                return;
            }
            if (sqe.nsid() != NSID) {
                respond(sqe, Status.dnr(Status.INVALID_NAMESPACE), 0, 0);
                return;
            }
            long slba = sqe.slba();
            int nlb = sqe.nlb();
            if (opc == Opcodes.IO_READ || opc == Opcodes.IO_WRITE || opc == Opcodes.IO_WRITE_ZEROES) {
                if (slba < 0 || slba + nlb > blocks) {
                    respond(sqe, Status.dnr(Status.LBA_OUT_OF_RANGE), 0, 0);
                    return;
                }
            }
            int off = (int) (slba * blockSize);
            int len = nlb * blockSize;
            switch (opc) {
                case Opcodes.IO_READ: {
                    if (sqe.sglLength() != len) violation("read SGL length " + sqe.sglLength() + " != " + len);
                    byte[] out = new byte[len];
                    synchronized (m) {
                        System.arraycopy(m, off, out, 0, len);
                    }
                    sendData(sqe, out);
                    return;
                }
                case Opcodes.IO_WRITE: {
                    if (data.remaining() != len) violation("write data " + data.remaining() + " != " + len);
                    synchronized (m) {
                        data.duplicate().get(m, off, Math.min(len, data.remaining()));
                    }
                    respond(sqe, 0, 0, 0);
                    return;
                }
                case Opcodes.IO_WRITE_ZEROES:
                    synchronized (m) {
                        java.util.Arrays.fill(m, off, off + len, (byte) 0);
                    }
                    respond(sqe, 0, 0, 0);
                    return;
                case Opcodes.IO_DATASET_MANAGEMENT: {
                    int nr = (sqe.cdw(10) & 0xFF) + 1;
                    ByteBuffer r = data.order(ByteOrder.LITTLE_ENDIAN);
                    if (r.remaining() != nr * 16) violation("DSM ranges " + r.remaining());
                    for (int i = 0; i < nr && (i + 1) * 16 <= r.remaining(); i++) {
                        int rn = r.getInt(i * 16 + 4);
                        long rs = r.getLong(i * 16 + 8);
                        synchronized (m) {
                            java.util.Arrays.fill(m, (int) (rs * blockSize), (int) ((rs + rn) * blockSize), (byte) 0);
                        }
                    }
                    respond(sqe, 0, 0, 0);
                    return;
                }
                default:
                    respond(sqe, Status.dnr(Status.INVALID_OPCODE), 0, 0);
            }
        }

        void sendData(Sqe sqe, byte[] out) {
            if (sqe.sglId() != Sqe.SGL_TRANSPORT_DATA_BLOCK || sqe.sglLength() != out.length) {
                violation("C2H command SGL " + sqe);
            }
            int chunk = Math.max(4, c2hChunk);
            boolean success = sqflowDisabled && useSuccessFlagWhenAllowed;
            for (int off = 0; off < out.length; off += chunk) {
                int n = Math.min(chunk, out.length - off);
                boolean last = off + n == out.length;
                if (last && success) outstanding.remove(sqe.cid());
                send(new Pdu.C2HData(sqe.cid(), off, last, last && success, ByteBuffer.wrap(out, off, n)));
            }
            if (!success) respond(sqe, 0, 0, 0);
        }

        void respond(Sqe sqe, int status, int dw0, int dw1) {
            outstanding.remove(sqe.cid());
            send(new Pdu.CapsuleResp(new Cqe(dw0, dw1, 0, Math.max(qid, 0), sqe.cid(), status)));
        }
    }

    private static boolean hostToController(Sqe s) {
        int opc = s.opcode();
        if (opc == Opcodes.FABRICS) return s.fctype() == Opcodes.FCTYPE_CONNECT;
        return (opc & 3) == 1; // data transfer direction bits 1:0 = 01b host to controller
    }

    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }

    private static Sqe copy(Sqe s) {
        return new Sqe(ByteBuffer.wrap(Bytes.toArray(s.buffer())));
    }

    private static ByteBuffer copyData(ByteBuffer b) {
        return ByteBuffer.wrap(Bytes.toArray(b));
    }

    private static String ascii(ByteBuffer b, int off) {
        byte[] a = new byte[256];
        b.get(off, a);
        return Bytes.ascii(a, 0, 256);
    }

    private static void putAscii(ByteBuffer b, int off, int len, String s) {
        byte[] a = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) b.put(off + i, i < a.length ? a[i] : (byte) ' ');
    }
}
