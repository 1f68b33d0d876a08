package io.nvmegate.controller;

import io.nvmegate.protocol.Status;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A controller of the dynamic controller model (NVMe-oF 1.1 section 3.3; nvmet's {@code struct nvmet_ctrl}):
 * created by an admin-queue Connect, joined by I/O-queue Connects carrying its CNTLID, destroyed when its admin
 * queue closes, on keep-alive timeout, or by Disconnect. It holds the controller's state — its queues, properties
 * ({@link ControllerRegisters}), feature values, Asynchronous Event Requests, keep-alive timer, Error Information
 * log, SMART counters and Changed Namespace List. The commands that act on that state live by spec concept:
 * {@code io.nvmegate.fabrics} (Connect, Property Get/Set, Disconnect, the command parser), {@code
 * io.nvmegate.admin} (the admin commands every controller shares), and its subsystem's {@link CommandSet}.
 *
 * <p>Threading: admin commands run on the admin queue's event loop, I/O commands on their queue's; state shared
 * across queues is volatile or concurrent.
 */
public final class Controller {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    /** VS property and Identify VER (see {@link ControllerRegisters#VERSION}). */
    public static final int VERSION = ControllerRegisters.VERSION;

    private final int cntlid;
    private final Subsystem subsystem;
    private final String hostNqn;
    private final UUID hostId;
    private final TransportConfig transport;
    private final ControllerRegistry registry;
    private final Vertx vertx;
    private final ControllerRegisters registers = new ControllerRegisters(this);
    private final FeatureValues features = new FeatureValues();
    private final AsyncEvents events = new AsyncEvents();
    private final KeepAlive keepAlive;
    private final ErrorLog errors = new ErrorLog();
    private final HealthCounters health = new HealthCounters();
    private final ChangedNamespaces changedNamespaces = new ChangedNamespaces();
    private final Map<Integer, QueueTransport> queues = new ConcurrentHashMap<>();
    private final long createdNanos = System.nanoTime();
    private volatile boolean destroyed;
    private volatile boolean authRequired;

    Controller(int cntlid, Subsystem subsystem, String hostNqn, UUID hostId, int katoMs, TransportConfig transport,
               ControllerRegistry registry, Vertx vertx) {
        this.cntlid = cntlid;
        this.subsystem = subsystem;
        this.hostNqn = hostNqn;
        this.hostId = hostId;
        this.transport = transport;
        this.registry = registry;
        this.vertx = vertx;
        this.keepAlive = new KeepAlive(this, vertx, katoMs, registry);
    }

    public int cntlid() { return cntlid; }
    /** @return {@link System#nanoTime()} when this controller was created (the admin queue's Connect) */
    public long createdNanos() { return createdNanos; }
    public Subsystem subsystem() { return subsystem; }
    /** The host NQN of the Connect; empty for an anonymous host (allowed only where any host may connect). */
    public String hostNqn() { return hostNqn; }
    public UUID hostId() { return hostId; }
    public TransportConfig transport() { return transport; }
    public Vertx vertx() { return vertx; }
    /** CAP, VS, CC, CSTS. */
    public ControllerRegisters registers() { return registers; }
    /** Current feature values (rules: {@code io.nvmegate.admin.Features}). */
    public FeatureValues features() { return features; }
    public AsyncEvents events() { return events; }
    public KeepAlive keepAlive() { return keepAlive; }
    /** Error Information log (LID 01h). */
    public ErrorLog errors() { return errors; }
    /** SMART / Health counters (LID 02h). */
    public HealthCounters health() { return health; }
    /** Changed Namespace List (LID 04h). */
    public ChangedNamespaces changedNamespaces() { return changedNamespaces; }
    /** CC.EN and CSTS.RDY: admin and I/O commands may run. */
    public boolean ready() { return registers.ready(); }
    public boolean destroyed() { return destroyed; }

    /**
     * True when the host must complete DH-HMAC-CHAP on every queue of this controller (decided at the admin
     * Connect, which then sets AUTHREQ.ATR; nvmet's {@code ctrl->host_key != NULL}): I/O-queue Connects set ATR too.
     */
    public boolean authRequired() { return authRequired; }

    /** Set by the admin Connect (see {@link #authRequired()}). */
    public void authRequired(boolean required) { authRequired = required; }

    /** The admin queue's transport (the address the host reached, for discovery TRADDR). */
    public QueueTransport adminQueue() { return queues.get(0); }

    /** The transport of queue {@code qid}, or {@code null}. */
    public QueueTransport queue(int qid) { return queues.get(qid); }

    /** Traffic-based keep alive (CTRATT.TBKAS): any command counts as a keep-alive. */
    public void activity() { keepAlive.activity(); }

    /**
     * Binds queue {@code qid} (Fabrics Connect); returns null if that QID is already connected.
     *
     * @param cattr Connect CATTR: bit 2 disables SQ flow control (NVMe-oF 1.1 Figure 20)
     */
    public ControllerQueue attach(int qid, int sqsize, int cattr, QueueTransport transport) {
        return attach(qid, sqsize, cattr, transport, null);
    }

    /**
     * Binds queue {@code qid} with its in-band authentication state ({@code auth}, null: none); returns null if
     * that QID is already connected.
     */
    public ControllerQueue attach(int qid, int sqsize, int cattr, QueueTransport transport, QueueAuthentication auth) {
        if (queues.putIfAbsent(qid, transport) != null) return null;
        return new BoundQueue(qid, sqsize, (cattr & 1 << 2) != 0, transport, auth);
    }

    public boolean hasQueue(int qid) { return queues.containsKey(qid); }

    /** True while at least one I/O queue (QID ≥ 1) is connected. */
    public boolean hasIoQueues() {
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
        final QueueAuthentication auth;
        /** The first command of a fused operation waiting for its second (event loop of this queue only). */
        NvmeRequest fusedFirst;

        BoundQueue(int qid, int sqsize, boolean sqFlowControlDisabled, QueueTransport transport, QueueAuthentication auth) {
            this.qid = qid;
            this.sqsize = sqsize;
            this.sqFlowControlDisabled = sqFlowControlDisabled;
            this.transport = transport;
            this.auth = auth;
        }

        @Override public int qid() { return qid; }
        @Override public int sqsize() { return sqsize; }
        @Override public boolean sqFlowControlDisabled() { return sqFlowControlDisabled; }
        @Override public Controller controller() { return Controller.this; }
        @Override public QueueAuthentication authentication() { return auth; }

        @Override
        public boolean accept(NvmeRequest r) {
            r.bind(Controller.this, qid);
            if (destroyed) { // a path status, so that the host retries it on another path
                r.complete(Status.INTERNAL_PATH_ERROR);
                return false;
            }
            return true;
        }

        @Override
        public NvmeRequest swapFusedFirst(NvmeRequest r) {
            NvmeRequest was = fusedFirst;
            fusedFirst = r;
            return was;
        }

        @Override
        public void closed() {
            if (auth != null) auth.closed();
            queues.remove(qid, transport);
            if (qid == 0) destroy("admin queue closed");
        }
    }

    @Override
    public String toString() {
        return "ctrl[cntlid " + cntlid + " " + subsystem.nqn() + " host " + (hostNqn.isEmpty() ? "(anonymous)" : hostNqn) + "]";
    }
}
