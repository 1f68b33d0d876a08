package io.nvmegate.controller;

import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.nvmegate.transport.TransportConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A controller of the dynamic controller model (NVMe-oF 1.1 section 3.3): created by an admin-queue Connect,
 * joined by I/O-queue Connects carrying its CNTLID, destroyed when its admin queue closes, on keep-alive
 * timeout, or by Disconnect. Owns the core admin commands shared by I/O and discovery controllers (the
 * counterpart of nvmet's core.c + fabrics-cmd.c + the generic parts of admin-cmd.c); everything else goes to
 * its subsystem's {@link CommandSet}.
 *
 * <p>Threading: admin commands run on the admin queue's event loop, I/O commands on their queue's; state shared
 * across queues is volatile or concurrent.
 */
public final class Controller {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    /** VS property and Identify VER: NVMe 1.3 (as nvmet; ≥ 2.0 would make Linux ask for CNS 05h/06h/08h data). */
    public static final int VERSION = 0x00010300;
    /** CAP.TO, in 500 ms units: how long the host waits for CSTS.RDY. */
    static final int CAP_TIMEOUT = 15;

    private final int cntlid;
    private final Subsystem subsystem;
    private final String hostNqn;
    private final UUID hostId;
    private final TransportConfig transport;
    private final ControllerRegistry registry;
    private final Vertx vertx;
    private final Properties properties = new Properties();
    private final Features features;
    private final AsyncEvents events;
    private final KeepAlive keepAlive;
    private final ErrorLog errors = new ErrorLog();
    private final HealthCounters health = new HealthCounters();
    private final ChangedNamespaces changedNamespaces = new ChangedNamespaces();
    private final Map<Integer, QueueTransport> queues = new ConcurrentHashMap<>();
    private volatile boolean destroyed;

    Controller(int cntlid, Subsystem subsystem, String hostNqn, UUID hostId, int katoMs, TransportConfig transport,
               ControllerRegistry registry, Vertx vertx) {
        this.cntlid = cntlid;
        this.subsystem = subsystem;
        this.hostNqn = hostNqn;
        this.hostId = hostId;
        this.transport = transport;
        this.registry = registry;
        this.vertx = vertx;
        this.features = new Features(this, subsystem.commandSet().maxIoQueues());
        this.events = new AsyncEvents();
        this.keepAlive = new KeepAlive(this, vertx, katoMs);
    }

    public int cntlid() { return cntlid; }
    public Subsystem subsystem() { return subsystem; }
    public String hostNqn() { return hostNqn; }
    public UUID hostId() { return hostId; }
    public TransportConfig transport() { return transport; }
    public Vertx vertx() { return vertx; }
    public Features features() { return features; }
    public AsyncEvents events() { return events; }
    public KeepAlive keepAlive() { return keepAlive; }
    /** Error Information log (LID 01h). */
    public ErrorLog errors() { return errors; }
    /** SMART / Health counters (LID 02h). */
    public HealthCounters health() { return health; }
    /** Changed Namespace List (LID 04h). */
    public ChangedNamespaces changedNamespaces() { return changedNamespaces; }
    public boolean ready() { return properties.ready(); }
    public boolean destroyed() { return destroyed; }

    /** The admin queue's transport (the address the host reached, for discovery TRADDR). */
    public QueueTransport adminQueue() { return queues.get(0); }

    /** Traffic-based keep alive (CTRATT.TBKAS): any command counts as a keep-alive. */
    public void activity() { keepAlive.activity(); }

    /**
     * Binds queue {@code qid}; returns null if that QID is already connected.
     *
     * @param cattr Connect CATTR: bit 2 disables SQ flow control (NVMe-oF 1.1 Figure 20)
     */
    ControllerQueue attach(int qid, int sqsize, int cattr, QueueTransport transport) {
        if (queues.putIfAbsent(qid, transport) != null) return null;
        return new BoundQueue(qid, sqsize, (cattr & 1 << 2) != 0, transport);
    }

    boolean hasQueue(int qid) { return queues.containsKey(qid); }

    /** True while at least one I/O queue (QID ≥ 1) is connected. */
    boolean hasIoQueues() {
        for (int qid : queues.keySet()) if (qid != 0) return true;
        return false;
    }

    /**
     * Controller reset (CC.EN 1 → 0, NVMe Base 2.0 section 3.7.2): every I/O queue is deleted (for NVMe/TCP: its
     * connection closed, outstanding commands lost), outstanding AERs complete with Command Aborted due to SQ
     * Deletion, features return to their defaults. The admin queue and the association stay (NVMe-oF 1.1 section
     * 3.3: the host sets CC.EN = 1 again and connects new I/O queues with the same CNTLID).
     */
    void reset() {
        for (Map.Entry<Integer, QueueTransport> e : queues.entrySet()) {
            if (e.getKey() != 0 && queues.remove(e.getKey(), e.getValue())) e.getValue().close("controller reset (CC.EN 1 -> 0)");
        }
        events.reset();
        features.reset();
    }

    /** Tears the controller down: closes every queue, cancels its timers. Idempotent. */
    public void destroy(String reason) {
        if (destroyed) return;
        destroyed = true;
        log.info("{}: controller destroyed: {}", this, reason);
        keepAlive.stop();
        registry.remove(this);
        subsystem.commandSet().released(this);
        for (QueueTransport q : queues.values()) q.close(reason);
        queues.clear();
    }

    private final class BoundQueue implements ControllerQueue {
        final int qid;
        final int sqsize;
        final boolean sqFlowControlDisabled;
        final QueueTransport transport;
        /** The first command of a fused operation waiting for its second (event loop of this queue only). */
        NvmeRequest fusedFirst;

        BoundQueue(int qid, int sqsize, boolean sqFlowControlDisabled, QueueTransport transport) {
            this.qid = qid;
            this.sqsize = sqsize;
            this.sqFlowControlDisabled = sqFlowControlDisabled;
            this.transport = transport;
        }

        @Override public int qid() { return qid; }
        @Override public int sqsize() { return sqsize; }
        @Override public boolean sqFlowControlDisabled() { return sqFlowControlDisabled; }
        @Override public Controller controller() { return Controller.this; }

        @Override
        public void reject(NvmeRequest r, int status) {
            r.bind(Controller.this);
            r.complete(status);
        }

        @Override
        public void submit(NvmeRequest r) {
            r.bind(Controller.this);
            if (destroyed) {
                r.complete(Status.ABORT_SQ_DELETION);
                return;
            }
            if (r.opcode() == Opcodes.FABRICS) {
                fabrics(r);
            } else if (qid == 0) {
                admin(r);
            } else if (!properties.ready()) {
                r.fail(Status.COMMAND_SEQUENCE_ERROR);
            } else {
                io(r);
            }
        }

        /**
         * Fused operations (NVMe Base 2.0 section 3.4.2): the first command (FUSE 01b) waits for the next
         * command of the same SQ, which must be its second (FUSE 10b); then the command set runs both as one
         * atomic unit. A first not followed by a second, or a second without a first, completes with Command
         * Aborted due to Missing Fused Command | DNR.
         */
        private void io(NvmeRequest r) {
            int fuse = r.sqe().fuse();
            NvmeRequest first = fusedFirst;
            if (first != null) {
                fusedFirst = null;
                if (fuse == Opcodes.FUSE_SECOND) {
                    subsystem.commandSet().fused(Controller.this, first, r);
                    return;
                }
                first.fail(Status.ABORTED_MISSING_FUSED);
            }
            if (fuse == Opcodes.FUSE_FIRST) {
                fusedFirst = r;
            } else if (fuse == Opcodes.FUSE_SECOND || fuse == 3) {
                r.fail(fuse == 3 ? Status.INVALID_FIELD : Status.ABORTED_MISSING_FUSED);
            } else {
                subsystem.commandSet().io(Controller.this, r);
            }
        }

        @Override
        public void closed() {
            queues.remove(qid, transport);
            if (qid == 0) destroy("admin queue closed");
        }
    }

    /** Fabrics commands on a connected queue (NVMe-oF 1.1 section 3). */
    private void fabrics(NvmeRequest r) {
        switch (r.sqe().fctype()) {
            case Opcodes.FCTYPE_PROPERTY_GET:
            case Opcodes.FCTYPE_PROPERTY_SET:
                if (r.qid() != 0) {
                    r.fail(Status.INVALID_FIELD);
                } else {
                    properties.execute(this, r);
                }
                break;
            case Opcodes.FCTYPE_CONNECT:
                r.fail(Status.COMMAND_SEQUENCE_ERROR);
                break;
            case Opcodes.FCTYPE_DISCONNECT:
                r.complete(Status.SUCCESS);
                QueueTransport q = queues.get(r.qid());
                if (q != null) q.close("Disconnect");
                break;
            default:
                r.fail(Status.INVALID_OPCODE);
        }
    }

    /** The admin commands every controller shares (NVMe Base 2.0 section 5; nvmet admin-cmd.c). */
    private void admin(NvmeRequest r) {
        if (!properties.ready()) {
            r.fail(Status.COMMAND_SEQUENCE_ERROR);
            return;
        }
        try {
            switch (r.opcode()) {
                case Opcodes.ADMIN_KEEP_ALIVE:
                    r.complete(Status.SUCCESS);
                    break;
                case Opcodes.ADMIN_ASYNC_EVENT_REQUEST:
                    events.request(r);
                    break;
                case Opcodes.ADMIN_SET_FEATURES:
                    features.set(r);
                    break;
                case Opcodes.ADMIN_GET_FEATURES:
                    features.get(r);
                    break;
                case Opcodes.ADMIN_IDENTIFY:
                    identify(r);
                    break;
                case Opcodes.ADMIN_GET_LOG_PAGE:
                    LogPages.execute(this, r);
                    break;
                case Opcodes.ADMIN_ABORT:
                    abort(r);
                    break;
                default:
                    subsystem.commandSet().admin(this, r);
            }
        } catch (NvmeStatusException e) {
            r.complete(e.status);
        }
    }

    /**
     * Abort (NVMe Base 2.0 section 5.1): CDW10 SQID 15:0, CID 31:16. An Asynchronous Event Request waiting on the
     * admin queue is aborted (it completes with Command Abort Requested; DW0 bit 0 = 0). Any other command is
     * executing or unknown and is not aborted (DW0 bit 0 = 1, as nvmet): nvmegate never holds I/O in a queue.
     */
    private void abort(NvmeRequest r) {
        int cdw10 = r.sqe().cdw(10);
        int sqid = cdw10 & 0xFFFF, cid = cdw10 >>> 16;
        boolean aborted = sqid == 0 && events.abort(cid);
        r.complete(Status.SUCCESS, aborted ? 0 : 1);
    }

    /** Identify (CNS in CDW10 bits 7:0): CNS 01h here, the rest by the command set. */
    private void identify(NvmeRequest r) throws NvmeStatusException {
        int cns = r.sqe().cdw(10) & 0xFF;
        Buffer data;
        if (cns == Opcodes.CNS_CONTROLLER) {
            data = identifyController().encode();
        } else {
            data = subsystem.commandSet().identify(this, r, cns);
        }
        if (data == null) {
            r.fail(Status.INVALID_FIELD);
        } else {
            r.respond(data);
        }
    }

    /** Identify Controller: the fields every nvmegate controller shares, then the command set's. */
    public IdentifyControllerData identifyController() {
        IdentifyControllerData id = new IdentifyControllerData();
        id.sn = subsystem.identity().serial();
        id.mn = subsystem.identity().model();
        id.fr = subsystem.identity().firmware();
        id.cntlid = cntlid;
        id.ver = VERSION;
        id.mdts = transport.mdts();
        id.ctratt = 1 | 1 << 6; // bit 0 128-bit host identifier, bit 6 traffic-based keep alive (TBKAS)
        id.lpa = 1 << 2;        // extended data for Get Log Page (LPO, 32-bit NUMD)
        id.elpe = ErrorLog.ENTRIES - 1;
        id.aerl = AsyncEvents.AERL;
        id.kas = KeepAlive.KAS;
        id.maxcmd = transport.maxQueueSize();
        id.sgls = 1 | 1 << 20;  // SGLs supported (no alignment requirement), offset-based (in-capsule) SGLs
        id.subnqn = subsystem.nqn();
        id.ioccsz = transport.ioccsz();
        id.iorcsz = 1;
        id.icdoff = 0;
        id.msdbd = 1;
        subsystem.commandSet().identifyController(this, id);
        return id;
    }

    @Override
    public String toString() {
        return "ctrl[cntlid " + cntlid + " " + subsystem.nqn() + " host " + hostNqn + "]";
    }
}
