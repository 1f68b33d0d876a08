package io.nvmegate.client;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection to one NVMe over Fabrics controller over TCP (NVMe-oF 1.1, NVMe/TCP 1.0): an admin queue (QID 0)
 * and {@link #ioQueueCount()} I/O queues, each its own TCP connection. Obtain one with
 * {@link NvmeTcpHost#connect(ConnectOptions)}; close it with {@link #close()}.
 *
 * <p>Thread-safe. Every method may be called from any thread, with any number of commands outstanding (up to the
 * queue size per queue, beyond which commands wait in a FIFO without blocking the caller). I/O methods
 * ({@link NvmeIo}) pick an I/O queue round-robin; {@link #io(int)} targets one queue. Blocking methods wait for the
 * command (bounded by {@link ConnectOptions#commandTimeoutMs()}) and throw {@link NvmeStatusException} for a
 * non-success status, {@link NvmeTransportException} if the queue's connection failed and
 * {@link NvmeTimeoutException} on timeout.
 *
 * <pre>{@code
 * try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", 4420).subsystemNqn(nqn).build())) {
 *     IdentifyNamespace ns = c.identifyNamespace(1);
 *     c.write(1, 0, data, ns.blockSize(), false);
 *     byte[] back = c.read(1, 0, data.length / ns.blockSize(), ns.blockSize());
 * }
 * }</pre>
 */
public final class NvmeController implements NvmeIo, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NvmeController.class);

    /** In-capsule data on the admin queue: 8 KiB - 64, as the Linux host assumes (NVME_TCP_ADMIN_CCSZ). */
    public static final int ADMIN_IN_CAPSULE_DATA_SIZE = 8192 - 64;
    /** CNTLID sent in the admin Connect: dynamic controller model. */
    public static final int CNTLID_DYNAMIC = 0xFFFF;

    private final ConnectOptions options;
    private final ScheduledThreadPoolExecutor timer;
    private final QueueConnection admin;
    /** Written once at the end of initialization (immutable lists). */
    private volatile List<QueueConnection> ioConnections = List.of();
    private volatile List<IoQueue> ioQueues = List.of();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** DH-HMAC-CHAP T_ID of the next transaction (Linux: {@code ctrl->transaction++}). */
    private final AtomicInteger transactionIds = new AtomicInteger();
    private volatile int cntlid = -1;
    private volatile long cap;
    private volatile int vs;
    private volatile int cc;
    private volatile IdentifyController identify;
    private volatile ScheduledFuture<?> keepAliveTask;

    private NvmeController(ConnectOptions options, ScheduledThreadPoolExecutor timer, QueueConnection admin) {
        this.options = options;
        this.timer = timer;
        this.admin = admin;
    }

    /** Connects the admin queue and the I/O queues; see {@link NvmeTcpHost#connect(ConnectOptions)}. */
    static NvmeController connect(ConnectOptions o) {
        if (o.subsystemNqn() == null) throw new IllegalArgumentException("ConnectOptions.subsystemNqn is required");
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "nvme-host-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        NvmeController c = null;
        try {
            QueueConnection admin = QueueConnection.open(o, 0, ConnectOptions.ADMIN_QUEUE_SIZE - 1, ADMIN_IN_CAPSULE_DATA_SIZE, timer);
            c = new NvmeController(o, timer, admin);
            c.initialize();
            return c;
        } catch (RuntimeException e) {
            if (c != null) c.closeConnections();
            timer.shutdownNow();
            throw e;
        }
    }

    /** The controller initialization of NVMe Base 2.0 section 3.5.2 / NVMe-oF 1.1 section 3.3, as the Linux host does it. */
    private void initialize() {
        ConnectOptions o = options;
        int cattr = o.disableSqFlowControl() ? CommandBuilders.CATTR_DISABLE_SQ_FLOW_CONTROL : 0;
        int result = fabricsConnect(admin, ConnectOptions.ADMIN_QUEUE_SIZE - 1, cattr, o.keepAliveTimeoutMs(), CNTLID_DYNAMIC);
        cntlid = result & 0xFFFF;
        admin.setController(cntlid);
        if ((result & AUTHREQ_ATR) != 0) authenticate(admin); // before anything else, as the Linux host

        cap = propertyGet(CommandBuilders.PROP_CAP, true);
        vs = (int) propertyGet(CommandBuilders.PROP_VS, false);
        // CC: EN=1, CSS=0 (NVM), MPS=0 (4 KiB), AMS=0, IOSQES=6 (64 B), IOCQES=4 (16 B).
        cc = 1 | 6 << 16 | 4 << 20;
        propertySet(CommandBuilders.PROP_CC, cc, false);
        waitReady();

        identify = identifyController();
        if (identify.cntlid() != cntlid) {
            throw new NvmeException(String.format("Identify Controller CNTLID %d does not match the Connect result %d", identify.cntlid(), cntlid));
        }

        int n = connectIoQueues(cattr);

        if (o.keepAliveTimeoutMs() > 0) {
            long period = Math.max(1, o.keepAliveTimeoutMs() / 2);
            keepAliveTask = timer.scheduleAtFixedRate(this::sendKeepAlive, period, period, TimeUnit.MILLISECONDS);
        }
        log.debug("connected to {} at {}:{}: cntlid {}, {} I/O queues", o.subsystemNqn(), o.address(), o.port(), cntlid, n);
    }

    /** Number of Queues, then one connection + Fabrics Connect per I/O queue; @return how many were connected. */
    private int connectIoQueues(int cattr) {
        ConnectOptions o = options;
        int n = o.ioQueues();
        if (n > 0) {
            Cqe q = setFeatures(Opcodes.FEAT_NUMBER_OF_QUEUES, (n - 1) | (n - 1) << 16, false);
            int granted = Math.min((q.dw0() & 0xFFFF) + 1, (q.dw0() >>> 16) + 1);
            if (granted < n) {
                log.info("controller {} granted {} of {} I/O queues", cntlid, granted, n);
                n = granted;
            }
            int size = o.ioQueueSize();
            int mqes = (int) (cap & 0xFFFF) + 1;
            size = Math.min(size, mqes);
            if (identify.maxcmd() > 0) size = Math.min(size, identify.maxcmd());
            if (size < 2) throw new NvmeException("controller allows I/O queues of only " + size + " entries");
            int inCapsule = identify.ioInCapsuleDataSize();
            List<QueueConnection> conns = new ArrayList<>();
            List<IoQueue> views = new ArrayList<>();
            try {
                for (int qid = 1; qid <= n; qid++) {
                    QueueConnection io = QueueConnection.open(o, qid, size - 1, inCapsule, timer);
                    conns.add(io);
                    int result = fabricsConnect(io, size - 1, cattr, 0, cntlid);
                    io.setController(cntlid);
                    if ((result & AUTHREQ_ATR) != 0) authenticate(io); // each I/O queue authenticates on its own
                    views.add(new IoQueue(io, o.commandTimeoutMs()));
                }
            } catch (RuntimeException e) {
                for (QueueConnection c : conns) c.close();
                throw e;
            }
            ioConnections = List.copyOf(conns);
            ioQueues = List.copyOf(views);
        }

        return n;
    }

    /** Sends Fabrics Connect on {@code q}; returns CQE DW0: CNTLID in bits 15:0, AUTHREQ in bits 17 and 18. */
    private int fabricsConnect(QueueConnection q, int sqsize0, int cattr, int katoMs, int cntlidIn) {
        ConnectOptions o = options;
        Sqe sqe = CommandBuilders.connect(q.qid, sqsize0, cattr, katoMs);
        ByteBuffer data = CommandBuilders.connectData(o.hostId(), cntlidIn, o.subsystemNqn(), o.hostNqn());
        try {
            Completion c = Await.get(q.submit(sqe, data, 0, o.connectTimeoutMs(), true));
            return c.cqe().dw0();
        } catch (NvmeStatusException e) {
            Cqe cqe = e.cqe();
            String detail = "";
            // Invalid Parameters / Invalid Host: DW0 holds IATTR (bit 16: 1 = Connect data, 0 = SQE) and IPO (15:0).
            if ((e.sct() == 1 && (e.sc() == 0x82 || e.sc() == 0x84))) {
                int ipo = cqe.dw0() & 0xFFFF;
                detail = String.format("; invalid parameter at %s offset %d%s", (cqe.dw0() >>> 16 & 1) != 0 ? "Connect data" : "SQE",
                        ipo, (cqe.dw0() >>> 16 & 1) != 0 ? connectDataField(ipo) : "");
            }
            throw new NvmeStatusException(String.format("Fabrics Connect (QID %d, SUBNQN %s, HOSTNQN %s, CNTLID 0x%x)%s",
                    q.qid, o.subsystemNqn(), o.hostNqn(), cntlidIn, detail), q.qid, Opcodes.FABRICS, cqe);
        }
    }

    /** Connect response DW0 bit 17: AUTHREQ.ATR, the queue must authenticate (DH-HMAC-CHAP) before other commands. */
    public static final int AUTHREQ_ATR = 1 << 17;

    /** One DH-HMAC-CHAP transaction on {@code q} ({@link QueueAuthenticator}). */
    private void authenticate(QueueConnection q) {
        QueueAuthenticator.authenticate(q, options, transactionIds.getAndIncrement());
    }

    /**
     * Host-initiated re-authentication (NVMe Base 2.x section 8.3.4.5; the Linux host does it when its
     * {@code dhchap_secret} changes in sysfs): a new DH-HMAC-CHAP transaction on the admin queue, then on each I/O
     * queue. The queues stay usable meanwhile (nvmet keeps them authenticated until the new transaction ends). Uses
     * the secrets of {@link #options()}, or those of {@code secrets} when given (key rotation).
     *
     * @param secrets options carrying the new secrets (only their DH-HMAC-CHAP settings are used), or null
     * @throws NvmeAuthenticationException when a transaction fails (the controller then ends the association)
     */
    public void reauthenticate(ConnectOptions secrets) {
        if (QueueConnection.onReaderThread()) throw new IllegalStateException("reauthenticate() cannot run on a reader thread");
        ConnectOptions o = secrets == null ? options : secrets;
        QueueAuthenticator.authenticate(admin, o, transactionIds.getAndIncrement());
        for (QueueConnection q : ioConnections) QueueAuthenticator.authenticate(q, o, transactionIds.getAndIncrement());
    }

    /** {@link #reauthenticate(ConnectOptions)} with this controller's own secrets. */
    public void reauthenticate() {
        reauthenticate(null);
    }

    private static String connectDataField(int off) {
        if (off == 0) return " (HOSTID)";
        if (off == 16) return " (CNTLID)";
        if (off == 256) return " (SUBNQN)";
        if (off == 512) return " (HOSTNQN)";
        return "";
    }

    private void waitReady() {
        int to = (int) (cap >>> 24 & 0xFF);
        long timeoutMs = Math.max(1, to) * 500L;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long sleep = 1;
        while (true) {
            int csts = (int) propertyGet(CommandBuilders.PROP_CSTS, false);
            if ((csts & 2) != 0) throw new NvmeException(String.format("controller fatal status (CSTS.CFS) after CC.EN=1, CSTS 0x%x", csts));
            if ((csts & 1) != 0) return;
            if (System.nanoTime() > deadline) {
                throw new NvmeTimeoutException(String.format("CSTS.RDY not set within CAP.TO (%d x 500 ms) after CC.EN=1, CSTS 0x%x", to, csts));
            }
            sleepMs(sleep);
            sleep = Math.min(sleep * 2, 50);
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NvmeException("interrupted", e);
        }
    }

    private void sendKeepAlive() {
        if (closed.get() || !admin.isOpen()) return;
        keepAliveAsync().whenComplete((c, e) -> {
            if (e != null && !closed.get()) log.warn("controller {}: Keep Alive failed: {}", cntlid, e.toString());
        });
    }

    // ------------------------------------------------------------------------------------------------ accessors

    /** Controller ID assigned by the admin Connect (CQE DW0 bits 15:0). */
    public int cntlid() { return cntlid; }

    /** The options this controller was connected with. */
    public ConnectOptions options() { return options; }

    /** The CAP property read during initialization (NVMe Base 2.0 section 3.1.3.1). */
    public long cap() { return cap; }

    /** The VS property read during initialization, e.g. 0x00010400 for NVMe 1.4. */
    public int version() { return vs; }

    /** The Identify Controller data read during initialization (use {@link #identifyController()} to re-read it). */
    public IdentifyController controllerData() { return identify; }

    /** Number of I/O queues connected. */
    public int ioQueueCount() { return ioQueues.size(); }

    /** All I/O queues, by QID order (QID = index + 1). */
    public List<IoQueue> ioQueues() { return ioQueues; }

    /**
     * The I/O queue with identifier {@code qid}.
     *
     * @throws IllegalArgumentException unless {@code 1 <= qid <= ioQueueCount()}
     */
    public IoQueue io(int qid) {
        List<IoQueue> l = ioQueues;
        if (qid < 1 || qid > l.size()) throw new IllegalArgumentException("no I/O queue " + qid + " (have " + l.size() + ")");
        return l.get(qid - 1);
    }

    /** Largest data transfer of one command in bytes from MDTS and CAP.MPSMIN; 0 = no limit. */
    public long maxDataTransferBytes() {
        return identify.maxDataTransferBytes((int) (cap >>> 48 & 0xF));
    }

    /** True once {@link #close()} was called or the admin connection failed. */
    public boolean isClosed() {
        return closed.get() || !admin.isOpen();
    }

    // ------------------------------------------------------------------------------------------------ raw commands

    /**
     * Submits any command on queue {@code qid} (0 = admin). The SQE is copied; the CID and SGL1 are filled in.
     * Host-to-controller data up to the queue's in-capsule size goes in the capsule (SGL 0x01), larger data via
     * R2T/H2CData (SGL 0x5A); controller-to-host data arrives in C2HData PDUs.
     *
     * @param dataOut      data for the controller (remaining bytes; not copied), or null
     * @param dataInLength bytes expected from the controller, or 0
     * @return a future completed with the CQE and data, or exceptionally with {@link NvmeStatusException} etc.
     */
    public CompletableFuture<Completion> submit(int qid, Sqe sqe, ByteBuffer dataOut, int dataInLength) {
        return queue(qid).submit(sqe, dataOut, dataInLength, options.commandTimeoutMs(), false);
    }

    /** {@link #submit(int, Sqe, ByteBuffer, int)} with an explicit timeout in ms (0 = none). */
    public CompletableFuture<Completion> submit(int qid, Sqe sqe, ByteBuffer dataOut, int dataInLength, long timeoutMs) {
        return queue(qid).submit(sqe, dataOut, dataInLength, timeoutMs, false);
    }

    /** Tasks waiting on this controller's timer thread (one timeout sweep per queue, keep alive): for tests. */
    int timerTasks() {
        return timer.getQueue().size();
    }

    private QueueConnection queue(int qid) {
        if (qid == 0) return admin;
        List<QueueConnection> l = ioConnections;
        if (qid < 1 || qid > l.size()) throw new IllegalArgumentException("no queue " + qid + " (have admin + " + l.size() + " I/O queues)");
        return l.get(qid - 1);
    }

    private CompletableFuture<Completion> adminCmd(Sqe sqe, ByteBuffer out, int in) {
        return admin.submit(sqe, out, in, options.commandTimeoutMs(), false);
    }

    /** I/O commands go to the I/O queues round-robin. */
    @Override
    public CompletableFuture<Completion> submitIo(Sqe sqe, ByteBuffer dataOut, int dataInLength) {
        List<IoQueue> l = ioQueues;
        int n = l.size();
        if (n == 0) throw new IllegalStateException("no I/O queues (ConnectOptions.ioQueues was 0 or the controller granted none)");
        return l.get(Math.floorMod(roundRobin.getAndIncrement(), n)).submitIo(sqe, dataOut, dataInLength);
    }

    // ------------------------------------------------------------------------------------------------ Fabrics properties

    /**
     * Property Get (NVMe-oF 1.1 section 3.5): {@code offset} e.g. {@link CommandBuilders#PROP_CAP}; 8-byte
     * properties return DW1:DW0, 4-byte ones DW0 zero-extended.
     */
    public CompletableFuture<Long> propertyGetAsync(int offset, boolean size8) {
        return adminCmd(CommandBuilders.propertyGet(offset, size8), null, 0).thenApply(c -> size8
                ? Integer.toUnsignedLong(c.cqe().dw0()) | (long) c.cqe().dw1() << 32
                : Integer.toUnsignedLong(c.cqe().dw0()));
    }

    /** Blocking {@link #propertyGetAsync}. */
    public long propertyGet(int offset, boolean size8) {
        return Await.get(propertyGetAsync(offset, size8));
    }

    /** Property Set (NVMe-oF 1.1 section 3.6). */
    public CompletableFuture<Cqe> propertySetAsync(int offset, long value, boolean size8) {
        return adminCmd(CommandBuilders.propertySet(offset, value, size8), null, 0).thenApply(Completion::cqe);
    }

    /** Blocking {@link #propertySetAsync}. */
    public void propertySet(int offset, long value, boolean size8) {
        Await.get(propertySetAsync(offset, value, size8));
    }

    // ------------------------------------------------------------------------------------------------ admin commands

    /** Identify (06h) with any CNS; the future yields the 4096 bytes. */
    public CompletableFuture<byte[]> identifyAsync(int cns, int nsid, int cntid) {
        return adminCmd(CommandBuilders.identify(cns, nsid, cntid), null, 4096).thenApply(c -> c.data().array());
    }

    /** Identify Controller (CNS 01h). */
    public CompletableFuture<IdentifyController> identifyControllerAsync() {
        return identifyAsync(Opcodes.CNS_CONTROLLER, 0, 0).thenApply(IdentifyController::parse);
    }

    /** Blocking {@link #identifyControllerAsync}. */
    public IdentifyController identifyController() {
        return Await.get(identifyControllerAsync());
    }

    /** Identify Namespace (CNS 00h) for {@code nsid}; all zeros ({@link IdentifyNamespace#active()} false) if inactive. */
    public CompletableFuture<IdentifyNamespace> identifyNamespaceAsync(int nsid) {
        return identifyAsync(Opcodes.CNS_NAMESPACE, nsid, 0).thenApply(IdentifyNamespace::parse);
    }

    /** Blocking {@link #identifyNamespaceAsync}. */
    public IdentifyNamespace identifyNamespace(int nsid) {
        return Await.get(identifyNamespaceAsync(nsid));
    }

    /** Active Namespace ID list (CNS 02h): up to 1024 active NSIDs greater than {@code startNsid}, ascending. */
    public CompletableFuture<List<Integer>> activeNamespacesAsync(int startNsid) {
        return identifyAsync(Opcodes.CNS_ACTIVE_NS_LIST, startNsid, 0).thenApply(NvmeController::parseNsidList);
    }

    /** Blocking {@link #activeNamespacesAsync}. */
    public List<Integer> activeNamespaces(int startNsid) {
        return Await.get(activeNamespacesAsync(startNsid));
    }

    static List<Integer> parseNsidList(byte[] b) {
        List<Integer> l = new ArrayList<>();
        for (int off = 0; off + 4 <= b.length; off += 4) {
            int nsid = Bytes.u32(b, off);
            if (nsid == 0) break;
            l.add(nsid);
        }
        return l;
    }

    /** Namespace Identification Descriptor list (CNS 03h) of {@code nsid}. */
    public CompletableFuture<List<NamespaceDescriptor>> namespaceDescriptorsAsync(int nsid) {
        return identifyAsync(Opcodes.CNS_NS_DESCRIPTORS, nsid, 0).thenApply(NvmeController::parseDescriptors);
    }

    /** Blocking {@link #namespaceDescriptorsAsync}. */
    public List<NamespaceDescriptor> namespaceDescriptors(int nsid) {
        return Await.get(namespaceDescriptorsAsync(nsid));
    }

    /** Parses a descriptor list: {@code NIDT u8, NIDL u8, rsvd 2, value[NIDL]}, ended by NIDT 0 or the buffer end. */
    static List<NamespaceDescriptor> parseDescriptors(byte[] b) {
        List<NamespaceDescriptor> l = new ArrayList<>();
        int off = 0;
        while (off + 4 <= b.length) {
            int nidt = Bytes.u8(b, off);
            int nidl = Bytes.u8(b, off + 1);
            if (nidt == 0 || off + 4 + nidl > b.length) break;
            l.add(new NamespaceDescriptor(nidt, Bytes.slice(b, off + 4, nidl)));
            off += 4 + nidl;
        }
        return l;
    }

    /**
     * Get Log Page (02h), NVMe Base 2.0 section 5.16.
     *
     * @param lid    Log Page Identifier
     * @param lsp    Log Specific Parameter (CDW10 bits 14:8)
     * @param rae    Retain Asynchronous Event (CDW10 bit 15)
     * @param offset Log Page Offset in bytes (multiple of 4; CDW12/13)
     * @param length bytes to read (positive multiple of 4; NUMDL/NUMDU = length/4 - 1)
     * @param nsid   namespace, 0 or 0xFFFFFFFF for controller-wide logs
     */
    public CompletableFuture<byte[]> getLogPageAsync(int lid, int lsp, boolean rae, long offset, int length, int nsid) {
        return adminCmd(CommandBuilders.getLogPage(lid, lsp, rae, offset, length, nsid), null, length).thenApply(c -> c.data().array());
    }

    /** Blocking {@link #getLogPageAsync}. */
    public byte[] getLogPage(int lid, int lsp, boolean rae, long offset, int length, int nsid) {
        return Await.get(getLogPageAsync(lid, lsp, rae, offset, length, nsid));
    }

    /** Get Features (0Ah): {@code sel} 0 current, 1 default, 2 saved, 3 supported capabilities. The value is in DW0. */
    public CompletableFuture<Cqe> getFeaturesAsync(int fid, int sel, int cdw11) {
        return adminCmd(CommandBuilders.getFeatures(fid, sel, cdw11), null, 0).thenApply(Completion::cqe);
    }

    /** Blocking {@link #getFeaturesAsync}. */
    public Cqe getFeatures(int fid, int sel, int cdw11) {
        return Await.get(getFeaturesAsync(fid, sel, cdw11));
    }

    /** Set Features (09h); {@code save} sets SV. */
    public CompletableFuture<Cqe> setFeaturesAsync(int fid, int cdw11, boolean save) {
        return adminCmd(CommandBuilders.setFeatures(fid, cdw11, save), null, 0).thenApply(Completion::cqe);
    }

    /** Blocking {@link #setFeaturesAsync}. */
    public Cqe setFeatures(int fid, int cdw11, boolean save) {
        return Await.get(setFeaturesAsync(fid, cdw11, save));
    }

    /**
     * Asynchronous Event Request (0Ch): completes (without timeout) when the controller reports an event, with CQE
     * DW0 (event type bits 2:0, information 15:8, log page 23:16), or exceptionally when the controller closes.
     * Each outstanding request holds one admin CID.
     */
    public CompletableFuture<Integer> asyncEventRequest() {
        return admin.submit(CommandBuilders.asyncEventRequest(), null, 0, 0, false).thenApply(c -> c.cqe().dw0());
    }

    /**
     * Abort (08h, NVMe Base 2.0 section 5.1) of command {@code cid} on queue {@code sqid}. The future yields CQE DW0:
     * bit 0 = 0 if the command was aborted (it then completes with Command Abort Requested), 1 if not.
     */
    public CompletableFuture<Integer> abortAsync(int sqid, int cid) {
        return adminCmd(CommandBuilders.abort(sqid, cid), null, 0).thenApply(c -> c.cqe().dw0());
    }

    /** Blocking {@link #abortAsync}. */
    public int abort(int sqid, int cid) {
        return Await.get(abortAsync(sqid, cid));
    }

    /**
     * Controller reset as the Linux host's {@code nvme reset} does it over fabrics (NVMe Base 2.0 section 3.7.2;
     * NVMe-oF 1.1 section 3.3): CC.EN = 0 and wait for CSTS.RDY = 0 (the controller deletes every I/O queue, i.e.
     * closes their connections), then CC.EN = 1, wait for CSTS.RDY = 1, and connect the I/O queues again with the
     * same CNTLID. Commands outstanding on the old I/O queues fail. Not callable from a reader thread.
     */
    public void reset() {
        if (QueueConnection.onReaderThread()) throw new IllegalStateException("reset() cannot run on a reader thread");
        List<QueueConnection> old = ioConnections;
        ioQueues = List.of();
        ioConnections = List.of();
        propertySet(CommandBuilders.PROP_CC, cc & ~1, false);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, cap >>> 24 & 0xFF) * 500L);
        while ((propertyGet(CommandBuilders.PROP_CSTS, false) & 1) != 0) {
            if (System.nanoTime() > deadline) throw new NvmeTimeoutException("CSTS.RDY still 1 after CC.EN = 0");
            sleepMs(5);
        }
        for (QueueConnection q : old) q.close();
        propertySet(CommandBuilders.PROP_CC, cc, false);
        waitReady();
        connectIoQueues(options.disableSqFlowControl() ? CommandBuilders.CATTR_DISABLE_SQ_FLOW_CONTROL : 0);
    }

    /**
     * Fused Compare and Write on one I/O queue (round-robin), see {@link IoQueue#compareAndWriteAsync}.
     */
    public FusedResult compareAndWrite(int nsid, long slba, byte[] compare, byte[] write, int blockSize, boolean fua) {
        List<IoQueue> l = ioQueues;
        if (l.isEmpty()) throw new IllegalStateException("no I/O queues");
        return l.get(Math.floorMod(roundRobin.getAndIncrement(), l.size())).compareAndWrite(nsid, slba, compare, write, blockSize, fua);
    }

    /** Keep Alive (18h). Sent automatically every KATO/2 when KATO > 0. */
    public CompletableFuture<Cqe> keepAliveAsync() {
        return adminCmd(CommandBuilders.keepAlive(), null, 0).thenApply(Completion::cqe);
    }

    /** Blocking {@link #keepAliveAsync}. */
    public void keepAlive() {
        Await.get(keepAliveAsync());
    }

    /**
     * Reads the Discovery Log Page (LID 70h) the way libnvme does: the 1024-byte header at LPO 0 with RAE=1; if
     * NUMREC &gt; 0, the NUMREC*1024 entry bytes from LPO 1024 in commands of at most 4096 bytes; then the header
     * again with RAE=0, retrying (up to 10 times) while GENCTR changed. Only meaningful on a discovery controller.
     *
     * @throws NvmeException if the log keeps changing, or NUMREC changed while GENCTR did not
     */
    public DiscoveryLog discoveryLog() {
        final int maxRetries = 10;
        for (int attempt = 0; attempt < maxRetries; attempt++) {
            byte[] header = getLogPage(Opcodes.LOG_DISCOVERY, 0, true, 0, DiscoveryLog.HEADER_SIZE, 0);
            long genctr = Bytes.u64(header, 0);
            long numrec = Bytes.u64(header, 8);
            if (numrec == 0) return DiscoveryLog.parse(header);
            if (numrec < 0 || numrec > 65536) throw new NvmeException("implausible discovery log NUMREC " + Long.toUnsignedString(numrec));
            int len = (int) numrec * DiscoveryLogEntry.SIZE;
            byte[] page = new byte[DiscoveryLog.HEADER_SIZE + len];
            for (int off = 0; off < len; off += 4096) {
                int n = Math.min(4096, len - off);
                byte[] piece = getLogPage(Opcodes.LOG_DISCOVERY, 0, true, DiscoveryLog.HEADER_SIZE + off, n, 0);
                System.arraycopy(piece, 0, page, DiscoveryLog.HEADER_SIZE + off, n);
            }
            byte[] again = getLogPage(Opcodes.LOG_DISCOVERY, 0, false, 0, DiscoveryLog.HEADER_SIZE, 0);
            if (Bytes.u64(again, 0) != genctr) {
                log.debug("discovery log GENCTR changed from {} to {}, re-reading", genctr, Bytes.u64(again, 0));
                continue;
            }
            if (Bytes.u64(again, 8) != numrec) {
                throw new NvmeException("discovery log NUMREC changed from " + numrec + " to " + Bytes.u64(again, 8) + " with the same GENCTR " + genctr);
            }
            System.arraycopy(again, 0, page, 0, DiscoveryLog.HEADER_SIZE);
            return DiscoveryLog.parse(page);
        }
        throw new NvmeException("discovery log GENCTR kept changing over " + maxRetries + " reads");
    }

    // ------------------------------------------------------------------------------------------------ close

    /**
     * Shuts the controller down and closes every connection: I/O queues first (their outstanding commands fail),
     * then CC.SHN = 01b (normal shutdown) and a wait of up to {@link ConnectOptions#shutdownTimeoutMs()} for
     * CSTS.SHST = 10b (complete), then the admin queue. Errors during shutdown are logged, not thrown.
     * Idempotent. Called from a future callback on a reader thread, it skips the CC.SHN handshake and just closes.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        ScheduledFuture<?> ka = keepAliveTask;
        if (ka != null) ka.cancel(false);
        for (QueueConnection q : ioConnections) q.close();
        if (admin.isOpen() && options.shutdownTimeoutMs() > 0 && !QueueConnection.onReaderThread()) {
            try {
                shutdownController();
            } catch (RuntimeException e) {
                log.debug("controller {}: shutdown: {}", cntlid, e.toString());
            }
        }
        closeConnections();
        timer.shutdownNow();
    }

    private void shutdownController() {
        long timeout = options.shutdownTimeoutMs();
        Await.get(admin.submit(CommandBuilders.propertySet(CommandBuilders.PROP_CC, cc | 1 << 14, false), null, 0, timeout, false));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        long sleep = 1;
        while (true) {
            Completion c = Await.get(admin.submit(CommandBuilders.propertyGet(CommandBuilders.PROP_CSTS, false), null, 0, timeout, false));
            int shst = c.cqe().dw0() >> 2 & 3;
            if (shst == 2) return;
            if (System.nanoTime() > deadline) {
                log.debug("controller {}: CSTS.SHST {} after {} ms, closing anyway", cntlid, shst, timeout);
                return;
            }
            sleepMs(sleep);
            sleep = Math.min(sleep * 2, 50);
        }
    }

    private void closeConnections() {
        for (QueueConnection q : ioConnections) q.close();
        admin.close();
    }

    @Override
    public String toString() {
        return "NvmeController[cntlid=" + cntlid + " " + options.subsystemNqn() + " at " + options.address() + ":" + options.port()
                + " ioQueues=" + ioQueues.size() + (isClosed() ? " closed" : "") + "]";
    }
}
