package io.nvmegate.client;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.PduFramer;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.tls.TlsPsk;
import io.nvmegate.protocol.tls.TlsPskDerivation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One NVMe/TCP queue: a TCP connection carrying one submission/completion queue pair (NVMe/TCP 1.0 section 3.3).
 *
 * <p>Threads: callers submit from any thread; a daemon reader thread ({@code nvme-host-q<qid>-cntlid<n>}) frames
 * and decodes every PDU from the controller and completes futures (so dependent stages without an executor run
 * on it); a daemon transmit thread ({@code ...-tx}) sends H2CData in answer to R2Ts and any capsule the reader
 * thread would otherwise have to write, so the reader never blocks on the socket. Writes are serialized by a lock
 * and issued as gathering writes of the parts from {@link PduCodec#encodeParts}; no user code runs under it.
 *
 * <p>CIDs come from a free list of {@code depth} entries (queue size - 1). When all are in use, submission does
 * not block: the command waits in a FIFO backlog and is sent as soon as a CID frees up. A command's timeout
 * counts from submission. A timed-out command keeps its CID until the controller answers (or the queue closes).
 *
 * <p>Timeouts: no timer task per command. Each command carries its deadline; one periodic sweep per queue (on the
 * controller's timer thread, every {@link #sweepPeriodMs} ms) walks the CID slots and the backlog and fails the
 * commands past their deadline with {@link NvmeTimeoutException}, as Linux blk-mq's timeout work walks the busy
 * tags of a queue (block/blk-mq.c blk_mq_timeout_work). A command therefore fails between its timeout and its
 * timeout plus one sweep period after submission.
 */
final class QueueConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueConnection.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int READ_BUFFER = 256 * 1024;
    /** MAXR2T sent in ICReq: 0's based, i.e. one outstanding R2T per command (as Linux). */
    private static final int MAXR2T = 0;

    final int qid;
    /** The connection's byte stream: the socket, or its TLS session ({@link TlsHostChannel}). */
    private final QueueStream ch;
    private final boolean hdgst;
    private final boolean ddgst;
    private final int maxH2CData;
    private final int depth;
    private final PduFramer framer;
    private final ByteBuffer readBuf;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object state = new Object();
    private final PendingCommand[] slots;
    private final int[] freeCids;
    private int freeTop;
    private final ArrayDeque<PendingCommand> backlog = new ArrayDeque<>();
    private boolean closed; // state
    private volatile boolean closing;
    private volatile int inCapsuleLimit;
    private volatile String name;
    private final Thread reader;
    private final ExecutorService tx;
    /** Period of the timeout sweep, ms: a tenth of the shortest configured timeout, 10..100 ms. */
    final long sweepPeriodMs;
    private volatile ScheduledFuture<?> sweep;

    private QueueConnection(int qid, QueueStream ch, boolean hdgst, boolean ddgst, int maxH2CData, int depth,
                            int inCapsuleLimit, PduFramer framer, ByteBuffer readBuf,
                            long sweepPeriodMs) {
        this.qid = qid;
        this.ch = ch;
        this.hdgst = hdgst;
        this.ddgst = ddgst;
        this.maxH2CData = maxH2CData;
        this.depth = depth;
        this.inCapsuleLimit = inCapsuleLimit;
        this.framer = framer;
        this.readBuf = readBuf;
        this.sweepPeriodMs = sweepPeriodMs;
        this.slots = new PendingCommand[depth];
        this.freeCids = new int[depth];
        for (int i = 0; i < depth; i++) freeCids[i] = depth - 1 - i; // pop CID 0 first
        this.freeTop = depth;
        this.name = "nvme-host-q" + qid;
        this.reader = new ReaderThread(this::readLoop, name);
        this.reader.setDaemon(true);
        this.tx = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-tx");
            t.setDaemon(true);
            return t;
        });
    }

    /** Marks the threads that read from a queue's socket and complete its futures. */
    static final class ReaderThread extends Thread {
        ReaderThread(Runnable r, String name) {
            super(r, name);
        }
    }

    /** True if the calling thread is the reader thread of some queue (blocking there would stall that queue). */
    static boolean onReaderThread() {
        return Thread.currentThread() instanceof ReaderThread;
    }

    /**
     * Opens the TCP connection, runs the TLS 1.3 handshake when {@link ConnectOptions#tlsPsk()} is set (NVMe/TCP 1.1
     * section 3.6.1: identity and TLS PSK derived for this host and subsystem), and performs the ICReq/ICResp
     * exchange (NVMe/TCP 1.0 section 3.3.1), then starts the reader thread. The Fabrics Connect is up to the caller.
     *
     * @param depth          maximum outstanding commands (CIDs 0..depth-1)
     * @param inCapsuleLimit largest host-to-controller data sent in-capsule, bytes
     * @throws NvmeException if the connection or the handshake fails, or ICResp is unacceptable
     */
    static QueueConnection open(ConnectOptions o, int qid, int depth, int inCapsuleLimit, ScheduledExecutorService timer) {
        SocketChannel sock = null;
        QueueStream ch = null;
        try {
            sock = SocketChannel.open();
            ch = QueueStream.of(sock);
            sock.socket().setTcpNoDelay(true);
            sock.socket().setKeepAlive(true);
            try {
                sock.socket().connect(new InetSocketAddress(o.address(), o.port()), o.connectTimeoutMs());
            } catch (SocketTimeoutException e) {
                throw new NvmeTimeoutException("TCP connect to " + o.address() + ":" + o.port() + " timed out after " + o.connectTimeoutMs() + " ms");
            }
            if (o.tlsPsk() != null) ch = tlsHandshake(sock, o, qid, timer);
            Pdu.ICReq icreq = new Pdu.ICReq(0, 0, o.headerDigest(), o.dataDigest(), MAXR2T);
            writeFully(ch, PduCodec.encodeParts(icreq, false, false));

            PduFramer framer = new PduFramer(false, o.maxPduLength());
            ByteBuffer buf = ByteBuffer.allocateDirect(READ_BUFFER);
            List<ByteBuffer> got = new ArrayList<>();
            SocketChannel fch = sock;
            ScheduledFuture<?> killer = timer.schedule(() -> closeQuietly(fch), o.connectTimeoutMs(), TimeUnit.MILLISECONDS);
            try {
                while (got.isEmpty()) {
                    buf.clear();
                    int n = ch.read(buf);
                    if (n < 0) throw new NvmeTransportException("controller closed the connection before ICResp (QID " + qid + ")", null);
                    buf.flip();
                    framer.feed(buf, b -> got.add(ByteBuffer.wrap(Bytes.toArray(b))));
                }
            } catch (ClosedChannelException e) {
                throw new NvmeTimeoutException("no ICResp within " + o.connectTimeoutMs() + " ms (QID " + qid + ")");
            } finally {
                killer.cancel(false);
            }
            if (got.size() > 1 || !framer.idle()) {
                throw new NvmeTransportException("controller sent data after ICResp before any command (QID " + qid + ")",
                        PduException.FES_PDU_SEQUENCE_ERROR, 0, false, null);
            }
            Pdu first = PduCodec.decode(got.get(0), false, false);
            if (first instanceof Pdu.TermReq t) {
                throw new NvmeTransportException(String.format("controller rejected ICReq with C2HTermReq FES %d FEI %d (QID %d)", t.fes(), t.fei(), qid),
                        t.fes(), t.fei(), true, null);
            }
            if (!(first instanceof Pdu.ICResp r)) {
                throw new NvmeTransportException("expected ICResp, got " + first.type() + " (QID " + qid + ")", PduException.FES_PDU_SEQUENCE_ERROR, 0, false, null);
            }
            checkIcResp(r, o);
            QueueConnection q = new QueueConnection(qid, ch, o.headerDigest(), o.dataDigest(), r.maxh2cdata(), depth,
                    inCapsuleLimit, framer, buf, sweepPeriodMs(o));
            q.reader.start();
            q.sweep = timer.scheduleWithFixedDelay(q::sweepTimeouts, q.sweepPeriodMs, q.sweepPeriodMs, TimeUnit.MILLISECONDS);
            log.debug("QID {} connected to {}:{} (maxh2cdata {}, hdgst {}, ddgst {})", qid, o.address(), o.port(),
                    r.maxh2cdata(), o.headerDigest(), o.dataDigest());
            return q;
        } catch (PduException e) {
            closeQuietly(ch);
            throw new NvmeTransportException("bad ICResp (QID " + qid + "): " + e.getMessage(), e.fes, e.fei, false, e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new NvmeTransportException("cannot connect QID " + qid + " to " + o.address() + ":" + o.port() + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            closeQuietly(sock);
            throw e;
        }
    }

    /** The TLS 1.3 handshake of one queue, bounded by the connect timeout (the socket is closed when it expires). */
    private static QueueStream tlsHandshake(SocketChannel sock, ConnectOptions o, int qid, ScheduledExecutorService timer) {
        if (o.subsystemNqn() == null) throw new IllegalArgumentException("TLS needs the subsystem NQN (it is part of the PSK identity)");
        TlsPsk psk = TlsPskDerivation.derive(o.tlsPsk(), o.hostNqn(), o.subsystemNqn(), o.tlsIdentityVersion());
        ScheduledFuture<?> killer = timer.schedule(() -> closeQuietly(sock), o.connectTimeoutMs(), TimeUnit.MILLISECONDS);
        try {
            return TlsHostChannel.handshake(sock, psk);
        } catch (IOException e) {
            closeQuietly(sock);
            if (killer.isDone()) throw new NvmeTimeoutException("no TLS handshake within " + o.connectTimeoutMs() + " ms (QID " + qid + ")");
            throw new NvmeTransportException("TLS handshake with " + o.address() + ":" + o.port() + " failed (QID " + qid
                    + ", PSK identity " + psk.identity() + "): " + e.getMessage(), e);
        } finally {
            killer.cancel(false);
        }
    }

    /** A tenth of the shorter of the connect and command timeouts, at least 10 ms and at most 100 ms. */
    static long sweepPeriodMs(ConnectOptions o) {
        return Math.max(10, Math.min(100, Math.min(o.connectTimeoutMs(), o.commandTimeoutMs()) / 10));
    }

    /** ICResp checks as the Linux host makes them (nvme_tcp_init_connection). */
    static void checkIcResp(Pdu.ICResp r, ConnectOptions o) {
        String why = null;
        if (r.pfv() != 0) why = "unsupported PFV " + r.pfv();
        else if (r.cpda() != 0) why = "unsupported CPDA " + r.cpda() + " (this host requires 0)";
        else if (r.hdgst() != o.headerDigest()) why = "header digest " + (r.hdgst() ? "enabled" : "disabled") + " but requested " + o.headerDigest();
        else if (r.ddgst() != o.dataDigest()) why = "data digest " + (r.ddgst() ? "enabled" : "disabled") + " but requested " + o.dataDigest();
        else if (Integer.compareUnsigned(r.maxh2cdata(), 4096) < 0 || (r.maxh2cdata() & 3) != 0) why = "invalid MAXH2CDATA " + Integer.toUnsignedString(r.maxh2cdata());
        if (why != null) throw new NvmeTransportException("ICResp rejected: " + why, null);
    }

    /** Renames the queue's threads once the CNTLID is known. */
    void setController(int cntlid) {
        name = "nvme-host-q" + qid + "-cntlid" + cntlid;
        reader.setName(name);
        tx.execute(() -> Thread.currentThread().setName(name + "-tx"));
    }

    void setInCapsuleLimit(int bytes) {
        inCapsuleLimit = bytes;
    }

    int inCapsuleLimit() { return inCapsuleLimit; }

    int maxH2CData() { return maxH2CData; }

    int depth() { return depth; }

    boolean isOpen() {
        synchronized (state) {
            return !closed;
        }
    }

    /** Commands outstanding (holding a CID) plus waiting in the backlog. */
    int outstanding() {
        synchronized (state) {
            return depth - freeTop + backlog.size();
        }
    }

    // ------------------------------------------------------------------------------------------------ submission

    /**
     * Submits a command.
     *
     * @param sqe             the SQE (copied; its CID and SGL1 are replaced)
     * @param dataOut         host-to-controller data (the remaining bytes; not copied, must not change until the
     *                        future completes), or null
     * @param dataInLength    controller-to-host bytes expected, or 0
     * @param timeoutMs       0 = no timeout
     * @param forceInCapsule  send {@code dataOut} in-capsule whatever its size (Connect)
     */
    CompletableFuture<Completion> submit(Sqe sqe, ByteBuffer dataOut, int dataInLength, long timeoutMs, boolean forceInCapsule) {
        ByteBuffer out = dataOut == null || !dataOut.hasRemaining() ? null : dataOut.slice();
        if (out != null && dataInLength > 0) throw new IllegalArgumentException("bidirectional data transfers are not supported");
        if (dataInLength < 0) throw new IllegalArgumentException("dataInLength " + dataInLength);
        Sqe s = new Sqe(ByteBuffer.wrap(Bytes.toArray(sqe.buffer())));
        boolean inCapsule = out != null && (forceInCapsule || out.remaining() <= inCapsuleLimit);
        // SGL1: in-capsule data is a Data Block descriptor with the Offset subtype (address = offset 0 into the
        // capsule data); everything else, including "no data" (length 0, as Linux sends it), is a Transport SGL
        // Data Block the controller serves with R2T or C2HData (NVMe/TCP 1.0 section 3.5.1).
        s.sglAddress(0).u32(36, 0).sglLength(out != null ? out.remaining() : dataInLength)
                .sglId(inCapsule ? Sqe.SGL_DATA_BLOCK_OFFSET : Sqe.SGL_TRANSPORT_DATA_BLOCK);
        PendingCommand c = new PendingCommand(s, out, inCapsule, dataInLength > 0 ? new byte[dataInLength] : null, timeoutMs);
        boolean sendNow;
        Throwable dead = null;
        synchronized (state) {
            if (closed) {
                dead = closedError();
                sendNow = false;
            } else if (backlog.isEmpty() && freeTop > 0) {
                assign(c, freeCids[--freeTop]);
                sendNow = true;
            } else {
                backlog.add(c);
                sendNow = false;
            }
        }
        if (dead != null) {
            c.future.completeExceptionally(dead);
        } else if (sendNow) {
            dispatch(() -> sendCapsule(c));
        }
        return c.future;
    }

    /**
     * Submits the two commands of a fused operation (NVMe Base 2.0 section 3.4.2) as adjacent capsules: the
     * socket's write lock is held across both submissions, so no other command of this queue goes between them.
     * Needs two free queue slots (no backlog), else {@link IllegalStateException}; not callable from a reader thread.
     */
    CompletableFuture<Completion>[] submitFused(Sqe first, ByteBuffer firstData, Sqe second, ByteBuffer secondData, long timeoutMs) {
        if (onReaderThread()) throw new IllegalStateException("fused commands cannot be submitted from a reader thread");
        writeLock.lock();
        try {
            synchronized (state) {
                if (!backlog.isEmpty() || freeTop < 2) {
                    throw new IllegalStateException("QID " + qid + ": fused commands need two free queue slots");
                }
            }
            @SuppressWarnings("unchecked")
            CompletableFuture<Completion>[] f = new CompletableFuture[] {
                    submit(first, firstData, 0, timeoutMs, false), submit(second, secondData, 0, timeoutMs, false)};
            return f;
        } finally {
            writeLock.unlock();
        }
    }

    private void assign(PendingCommand c, int cid) {
        c.cid = cid;
        c.sqe.cid(cid);
        slots[cid] = c;
    }

    /**
     * Runs {@code r} here, or on this queue's transmit thread if the caller is a reader thread (of any queue): a
     * reader must never block on a socket write, or a controller that stops reading while its own writes are
     * stuck would deadlock with us.
     */
    private void dispatch(Runnable r) {
        if (onReaderThread()) {
            try {
                tx.execute(r);
            } catch (RejectedExecutionException e) {
                // Closed meanwhile: every command was failed by shutdown().
            }
        } else {
            r.run();
        }
    }

    private void sendCapsule(PendingCommand c) {
        if (c.future.isDone()) { // timed out or cancelled while waiting for a CID: never sent, free the CID now
            synchronized (state) {
                c.responded = true;
            }
            releaseCid(c);
            return;
        }
        try {
            write(PduCodec.encodeParts(new Pdu.CapsuleCmd(c.sqe, c.inCapsule ? c.dataOut : EMPTY), hdgst, ddgst));
        } catch (IOException e) {
            shutdown(new NvmeTransportException("QID " + qid + ": send failed: " + e, e));
        }
    }

    /** Frees the CID of a finished command; hands it to the oldest waiting command, if any. */
    private void releaseCid(PendingCommand c) {
        PendingCommand next;
        synchronized (state) {
            if (closed || slots[c.cid] != c) return;
            slots[c.cid] = null;
            do {
                next = backlog.poll();
            } while (next != null && next.future.isDone());
            if (next != null) assign(next, c.cid);
            else freeCids[freeTop++] = c.cid;
        }
        if (next != null) {
            PendingCommand n = next;
            dispatch(() -> sendCapsule(n));
        }
    }

    /**
     * The timeout sweep: fails every command, sent (holding a CID, not yet answered) or waiting in the backlog,
     * whose deadline has passed. Runs on the timer thread; the futures are completed outside the state lock.
     */
    void sweepTimeouts() {
        long now = System.nanoTime();
        List<PendingCommand> overdue = null;
        synchronized (state) {
            if (closed) return;
            if (freeTop < depth) {
                for (PendingCommand c : slots) {
                    if (c != null && !c.responded && c.overdue(now)) (overdue == null ? overdue = new ArrayList<>() : overdue).add(c);
                }
            }
            for (PendingCommand c : backlog) {
                if (c.overdue(now)) (overdue == null ? overdue = new ArrayList<>() : overdue).add(c);
            }
        }
        if (overdue != null) for (PendingCommand c : overdue) onTimeout(c);
    }

    private void onTimeout(PendingCommand c) {
        if (c.future.completeExceptionally(new NvmeTimeoutException(String.format("%s (CID %d) on QID %d: no completion within %d ms",
                describe(c), c.cid, qid, c.timeoutMs)))) {
            log.warn("QID {}: {} (CID {}) timed out after {} ms", qid, describe(c), c.cid, c.timeoutMs);
        }
    }

    // ------------------------------------------------------------------------------------------------ writing

    private void write(PduCodec.Parts p) throws IOException {
        writeLock.lock();
        try {
            writeFully(ch, p);
        } finally {
            writeLock.unlock();
        }
    }

    private static void writeFully(QueueStream ch, PduCodec.Parts p) throws IOException {
        ByteBuffer[] bufs = {p.header(), p.data(), p.dataDigest()};
        long left = p.length();
        while (left > 0) left -= ch.write(bufs);
    }

    /** Answers one R2T on the transmit thread: H2CData PDUs of at most MAXH2CDATA bytes, DATAO cumulative. */
    private void sendH2C(PendingCommand c, int ttag, long r2to, long r2tl) {
        try {
            long sent = 0;
            while (sent < r2tl) {
                if (closing) return;
                int n = (int) Math.min(Integer.toUnsignedLong(maxH2CData), r2tl - sent);
                long datao = r2to + sent;
                boolean last = sent + n == r2tl;
                ByteBuffer chunk = c.dataOut.slice((int) datao, n);
                write(PduCodec.encodeParts(new Pdu.H2CData(c.cid, ttag, (int) datao, last, chunk), hdgst, ddgst));
                sent += n;
            }
        } catch (IOException e) {
            shutdown(new NvmeTransportException("QID " + qid + ": send failed: " + e, e));
        } finally {
            boolean release;
            synchronized (state) {
                c.h2cBusy--;
                release = c.responded && c.h2cBusy == 0;
            }
            if (release) releaseCid(c);
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** A fatal protocol violation by the controller; {@code fes} > 0 means an H2CTermReq is sent. */
    private static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int fes;
        final int fei;

        Violation(int fes, int fei, String message) {
            super(message, null, false, false);
            this.fes = fes;
            this.fei = fei;
        }
    }

    private void readLoop() {
        ByteBuffer buf = readBuf;
        try {
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    shutdown(new NvmeTransportException("QID " + qid + ": controller closed the connection", null));
                    return;
                }
                buf.flip();
                framer.feed(buf, this::onPdu);
            }
        } catch (PduException e) {
            sendTermReq(e.fes, e.fei, null);
            shutdown(new NvmeTransportException("QID " + qid + ": bad PDU from controller: " + e.getMessage()
                    + " (sent H2CTermReq FES " + e.fes + " FEI " + e.fei + ")", e.fes, e.fei, false, e));
        } catch (Violation v) {
            if (v.fes > 0) sendTermReq(v.fes, v.fei, null);
            shutdown(new NvmeTransportException("QID " + qid + ": " + v.getMessage()
                    + (v.fes > 0 ? " (sent H2CTermReq FES " + v.fes + " FEI " + v.fei + ")" : ""), v.fes, v.fei, false, null));
        } catch (RemoteTermination t) {
            shutdown(t.error);
        } catch (IOException e) {
            shutdown(new NvmeTransportException("QID " + qid + ": read failed: " + e, e));
        } catch (Throwable t) {
            log.error("QID {}: reader failed", qid, t);
            shutdown(new NvmeTransportException("QID " + qid + ": reader failed: " + t, t));
        }
    }

    private static final class RemoteTermination extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final NvmeTransportException error;

        RemoteTermination(NvmeTransportException error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    private void onPdu(ByteBuffer raw) {
        Pdu p;
        try {
            p = PduCodec.decode(raw, hdgst, ddgst);
        } catch (PduCodec.DataDigestException e) {
            throw new Violation(0, 0, "data digest error: " + e.getMessage());
        } catch (PduException e) {
            throw new Violation(e.fes, e.fei, e.getMessage());
        }
        if (p instanceof Pdu.CapsuleResp r) {
            onResponse(r.cqe());
        } else if (p instanceof Pdu.C2HData d) {
            onC2HData(d);
        } else if (p instanceof Pdu.R2T t) {
            onR2T(t);
        } else if (p instanceof Pdu.TermReq t) {
            String msg = String.format("QID %d: controller terminated the connection (C2HTermReq FES %d %s, FEI %d)",
                    qid, t.fes(), fesName(t.fes()), t.fei());
            throw new RemoteTermination(new NvmeTransportException(msg, t.fes(), t.fei(), true, null));
        } else {
            throw new Violation(PduException.FES_PDU_SEQUENCE_ERROR, 0, "unexpected " + p.type() + " after connection setup");
        }
    }

    private PendingCommand lookup(int cid, String what, int fei) {
        synchronized (state) {
            PendingCommand c = cid < slots.length ? slots[cid] : null;
            if (c == null || c.responded) {
                throw new Violation(PduException.FES_INVALID_HEADER_FIELD, fei, what + " for CID " + cid + " which has no outstanding command");
            }
            return c;
        }
    }

    private void onResponse(Cqe cqe) {
        PendingCommand c = lookup(cqe.cid(), "CapsuleResp", 20);
        if (c.dataOut != null && !c.inCapsule && cqe.success() && c.r2tEnd < c.dataOut.remaining()) {
            // Success without having fetched all the data: the controller cannot have written it.
            throw new Violation(0, 0, String.format("%s (CID %d) completed successfully after R2Ts for only %d of %d bytes",
                    describe(c), c.cid, c.r2tEnd, c.dataOut.remaining()));
        }
        finish(c, cqe);
    }

    private void finish(PendingCommand c, Cqe cqe) {
        boolean release;
        synchronized (state) {
            c.responded = true;
            release = c.h2cBusy == 0;
        }
        if (release) releaseCid(c); // before completing: a dependent stage may submit at once
        if (!cqe.success()) {
            c.future.completeExceptionally(new NvmeStatusException(describe(c), qid, c.sqe.opcode(), cqe));
        } else if (c.dataIn != null && c.received < c.dataIn.length) {
            c.future.completeExceptionally(new NvmeTransportException(String.format(
                    "%s (CID %d) on QID %d completed successfully but the controller sent %d of %d data bytes",
                    describe(c), c.cid, qid, c.received, c.dataIn.length), null));
        } else {
            c.future.complete(new Completion(cqe, c.dataIn == null ? EMPTY : ByteBuffer.wrap(c.dataIn)));
        }
    }

    private void onC2HData(Pdu.C2HData d) {
        PendingCommand c = lookup(d.cccid(), "C2HData", 8);
        if (c.dataIn == null) {
            throw new Violation(PduException.FES_INVALID_HEADER_FIELD, 8, String.format("C2HData for CID %d (%s) which transfers no data to the host", c.cid, describe(c)));
        }
        long datao = Integer.toUnsignedLong(d.datao());
        int len = d.data().remaining();
        if (datao + len > c.dataIn.length) {
            throw new Violation(PduException.FES_DATA_OUT_OF_RANGE, 12, String.format("C2HData DATAO %d DATAL %d beyond the %d-byte transfer of CID %d",
                    datao, len, c.dataIn.length, c.cid));
        }
        d.data().duplicate().get(c.dataIn, (int) datao, len);
        c.received += len;
        if (d.success()) {
            if (!d.last()) throw new Violation(PduException.FES_INVALID_HEADER_FIELD, 1, "C2HData SUCCESS flag without LAST_PDU (CID " + c.cid + ")");
            finish(c, new Cqe(0, 0, 0, qid, c.cid, 0));
        }
    }

    private void onR2T(Pdu.R2T t) {
        PendingCommand c = lookup(t.cccid(), "R2T", 8);
        if (c.dataOut == null || c.inCapsule) {
            throw new Violation(PduException.FES_INVALID_HEADER_FIELD, 8, String.format("R2T for CID %d (%s) which has no data for the controller to fetch",
                    c.cid, describe(c)));
        }
        long r2to = Integer.toUnsignedLong(t.r2to());
        long r2tl = Integer.toUnsignedLong(t.r2tl());
        int len = c.dataOut.remaining();
        if (r2tl == 0) throw new Violation(PduException.FES_INVALID_HEADER_FIELD, 16, "R2T with R2TL 0 (CID " + c.cid + ")");
        if (r2to < c.r2tEnd) {
            throw new Violation(PduException.FES_INVALID_HEADER_FIELD, 12, String.format("R2T offset %d below the %d bytes already requested (CID %d)", r2to, c.r2tEnd, c.cid));
        }
        if (r2to + r2tl > len) {
            throw new Violation(PduException.FES_DATA_OUT_OF_RANGE, 16, String.format("R2T R2TO %d R2TL %d beyond the %d-byte transfer (CID %d)", r2to, r2tl, len, c.cid));
        }
        c.r2tEnd = r2to + r2tl;
        synchronized (state) {
            c.h2cBusy++;
        }
        try {
            tx.execute(() -> sendH2C(c, t.ttag(), r2to, r2tl));
        } catch (RejectedExecutionException e) {
            synchronized (state) {
                c.h2cBusy--;
            }
        }
    }

    private void sendTermReq(int fes, int fei, ByteBuffer offending) {
        try {
            if (writeLock.tryLock(200, TimeUnit.MILLISECONDS)) {
                try {
                    writeFully(ch, PduCodec.encodeParts(new Pdu.TermReq(true, fes, fei, offending), false, false));
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (IOException | InterruptedException e) {
            log.debug("QID {}: could not send H2CTermReq: {}", qid, e.toString());
        }
    }

    private static String fesName(int fes) {
        switch (fes) {
            case 1: return "(invalid PDU header field)";
            case 2: return "(PDU sequence error)";
            case 3: return "(header digest error)";
            case 4: return "(data transfer out of range)";
            case 5: return "(data transfer limit exceeded)";
            case 6: return "(unsupported parameter)";
            default: return "";
        }
    }

    // ------------------------------------------------------------------------------------------------ shutdown

    private NvmeException closeCause;

    private NvmeException closedError() {
        NvmeException c = closeCause;
        if (c instanceof NvmeTransportException t) {
            return new NvmeTransportException(t.getMessage(), t.fes(), t.fei(), t.terminatedByController(), t);
        }
        return new NvmeException("QID " + qid + " is closed", c);
    }

    /**
     * Closes the connection and fails every outstanding and waiting command with an exception derived from
     * {@code cause}. Idempotent.
     */
    void shutdown(NvmeException cause) {
        List<PendingCommand> victims = new ArrayList<>();
        synchronized (state) {
            if (closed) return;
            closed = true;
            closing = true;
            closeCause = cause;
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != null) victims.add(slots[i]);
                slots[i] = null;
            }
            victims.addAll(backlog);
            backlog.clear();
        }
        ScheduledFuture<?> t = sweep;
        if (t != null) t.cancel(false);
        if (!(cause instanceof NvmeTransportException) || victims.isEmpty()) log.debug("QID {} closed: {}", qid, cause.getMessage());
        else log.warn("{}", cause.getMessage());
        closeQuietly(ch);
        tx.shutdown();
        for (PendingCommand c : victims) {
            c.future.completeExceptionally(closedError());
        }
    }

    @Override
    public void close() {
        shutdown(new NvmeException("QID " + qid + " closed by the host"));
        if (Thread.currentThread() != reader) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    // ------------------------------------------------------------------------------------------------ names

    String describe(PendingCommand c) {
        Sqe s = c.sqe;
        int opc = s.opcode();
        if (opc == Opcodes.FABRICS) return PendingCommand.describe(s);
        if (qid == 0) {
            String n = adminName(opc);
            if (n == null) return PendingCommand.describe(s);
            if (opc == Opcodes.ADMIN_IDENTIFY) return String.format("Identify CNS 0x%02x NSID %d", s.cdw(10) & 0xFF, s.nsid());
            if (opc == Opcodes.ADMIN_GET_LOG_PAGE) return String.format("Get Log Page LID 0x%02x", s.cdw(10) & 0xFF);
            if (opc == Opcodes.ADMIN_SET_FEATURES || opc == Opcodes.ADMIN_GET_FEATURES) return String.format("%s FID 0x%02x", n, s.cdw(10) & 0xFF);
            return n;
        }
        String n = ioName(opc);
        if (n == null) return PendingCommand.describe(s);
        if (opc == Opcodes.IO_READ || opc == Opcodes.IO_WRITE || opc == Opcodes.IO_WRITE_ZEROES || opc == Opcodes.IO_COMPARE
                || opc == Opcodes.IO_VERIFY) {
            return String.format("%s NSID %d SLBA %d NLB %d", n, s.nsid(), s.slba(), s.nlb());
        }
        return n + " NSID " + s.nsid();
    }

    private static String adminName(int opc) {
        switch (opc) {
            case Opcodes.ADMIN_GET_LOG_PAGE: return "Get Log Page";
            case Opcodes.ADMIN_IDENTIFY: return "Identify";
            case Opcodes.ADMIN_ABORT: return "Abort";
            case Opcodes.ADMIN_SET_FEATURES: return "Set Features";
            case Opcodes.ADMIN_GET_FEATURES: return "Get Features";
            case Opcodes.ADMIN_ASYNC_EVENT_REQUEST: return "Asynchronous Event Request";
            case Opcodes.ADMIN_KEEP_ALIVE: return "Keep Alive";
            default: return null;
        }
    }

    private static String ioName(int opc) {
        switch (opc) {
            case Opcodes.IO_FLUSH: return "Flush";
            case Opcodes.IO_WRITE: return "Write";
            case Opcodes.IO_READ: return "Read";
            case Opcodes.IO_COMPARE: return "Compare";
            case Opcodes.IO_WRITE_ZEROES: return "Write Zeroes";
            case Opcodes.IO_DATASET_MANAGEMENT: return "Dataset Management";
            case Opcodes.IO_VERIFY: return "Verify";
            default: return null;
        }
    }
}
