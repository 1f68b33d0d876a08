package io.nvmegate.fabrics;

import io.nvmegate.admin.Features;
import io.nvmegate.auth.DhchapAuthenticator;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerQueue;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.SubsystemResolver;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Fabrics Connect (NVMe-oF 1.1 section 3.3; nvmet fabrics-cmd.c): the first command on every queue.
 *
 * <p>SQE: RECFMT le16 @40 (must be 0), QID le16 @42, SQSIZE le16 @44 (0's based), CATTR u8 @46, KATO le32 @48
 * (ms, admin queue only); CATTR bit 2 disables SQ flow control for that queue (then reads may end with a
 * C2HData carrying SUCCESS and no CapsuleResp, NVMe/TCP 1.0 section 3.6.2.8). Data (1024 bytes,
 * {@link ConnectData}): HOSTID @0 (16), CNTLID le16 @16 (0xFFFF on the admin queue: dynamic model), SUBNQN @256
 * (256), HOSTNQN @512 (256).
 *
 * <p>Success: DW0 bits 15:0 = CNTLID; the CQE's SQID is the connected queue's QID (as nvmet, whose completion
 * takes it from the queue the Connect installed). Errors (SCT 1, all with DNR, as nvmet): Incompatible Format
 * (RECFMT), Connect Invalid Parameters with DW0 = IATTR << 16 | IPO (IATTR 1 = data, 0 = SQE; IPO the byte offset
 * of the bad field: 256 SUBNQN, 16 CNTLID, 44 SQSIZE, 42 QID), Connect Invalid Host (IATTR 1, IPO 512, HOSTNQN);
 * no free CNTLID, or the subsystem at {@link TransportConfig#maxControllersPerSubsystem()} → Controller Busy without
 * DNR (retryable; nvmet sets DNR on an exhausted CNTLID range, {@code nvmet_alloc_ctrl}, but with DNR the Linux
 * host gives up reconnecting an existing association: {@code ConnectTransientErrorTest}).
 *
 * <p>An empty HOSTNQN (some userspace initiators send none by default) is an anonymous host: as the kernel target
 * and SPDK do, it is accepted where the subsystem allows any host ({@link Subsystem#hostAllowed} accepts the empty
 * NQN) — it then gets no host-specific access, and reservations know it by its host ID only — and refused with
 * Connect Invalid Host (IPO 512) where an access list applies, like any host not on the list. Either way the
 * reason is logged. An anonymous host's I/O-queue Connects must also carry the admin queue's HOSTID, since the NQN
 * cannot tell two anonymous hosts apart.
 *
 * <p>In-band authentication ({@link DhchapAuthenticator}, NVMe Base 2.x section 8.3.4.5): when the host has a
 * DH-HMAC-CHAP key, the admin Connect's DW0 also sets AUTHREQ.ATR (bit 17, {@link #AUTHREQ_ATR}), and so does every
 * I/O-queue Connect of that controller (nvmet {@code nvmet_connect_result}); each queue gets its own transaction.
 * A host without a key on a subsystem that requires authentication is refused with Connect Invalid Host | DNR
 * (IATTR 1, IPO 512), as nvmet refuses a host whose authentication it cannot set up ({@code nvmet_setup_auth}
 * returning -EPERM in {@code nvmet_execute_admin_connect}). The discovery subsystem never authenticates (nvmet).
 */
public final class FabricsConnect {
    private static final Logger log = LoggerFactory.getLogger(FabricsConnect.class);
    public static final int DATA_SIZE = ConnectData.SIZE;
    public static final int OFF_HOSTID = ConnectData.OFF_HOSTID, OFF_CNTLID = ConnectData.OFF_CNTLID,
            OFF_SUBNQN = ConnectData.OFF_SUBNQN, OFF_HOSTNQN = ConnectData.OFF_HOSTNQN;
    /** SQE offsets of the Connect fields (IPO with IATTR 0). */
    public static final int SQE_RECFMT = 40, SQE_QID = 42, SQE_SQSIZE = 44, SQE_CATTR = 46, SQE_KATO = 48;
    /** Connect response DW0 bit 17: AUTHREQ.ATR, the host must authenticate (Linux {@code NVME_CONNECT_AUTHREQ_ATR}). */
    public static final int AUTHREQ_ATR = 1 << 17;

    private final SubsystemResolver resolver;
    private final ControllerRegistry registry;
    private final TransportConfig transport;
    private final Vertx vertx;
    private final DhchapAuthenticator auth;

    /** A target that authenticates no host (the discovery service). */
    public FabricsConnect(SubsystemResolver resolver, ControllerRegistry registry, TransportConfig transport, Vertx vertx) {
        this(resolver, registry, transport, vertx, DhchapAuthenticator.NONE);
    }

    /** @param auth who must authenticate, with which keys ({@link DhchapAuthenticator#NONE}: nobody) */
    public FabricsConnect(SubsystemResolver resolver, ControllerRegistry registry, TransportConfig transport, Vertx vertx,
                          DhchapAuthenticator auth) {
        this.resolver = resolver;
        this.registry = registry;
        this.transport = transport;
        this.vertx = vertx;
        this.auth = auth;
    }

    /** The controllers Connect creates and joins. */
    public ControllerRegistry registry() { return registry; }

    /**
     * Executes a Connect (the first command of a queue, with its data). @return the bound queue, or {@code null} if
     * it was rejected ({@code r} is completed either way)
     */
    public ControllerQueue connect(NvmeRequest r) {
        Sqe sqe = r.sqe();
        if (sqe.u16(SQE_RECFMT) != 0) {
            r.fail(Status.CONNECT_INCOMPATIBLE_FORMAT, io.nvmegate.controller.ErrorLocation.at(SQE_RECFMT, 0));
            return null;
        }
        Buffer data = r.data();
        if (data == null || data.length() < DATA_SIZE) {
            r.fail(Status.INVALID_FIELD, io.nvmegate.controller.ErrorLocation.SGL_LENGTH);
            return null;
        }
        int qid = sqe.u16(SQE_QID);
        int sqsize = sqe.u16(SQE_SQSIZE);
        int kato = sqe.u32(SQE_KATO);
        int cattr = sqe.u8(SQE_CATTR);
        ConnectData cd = ConnectData.decode(java.nio.ByteBuffer.wrap(data.getBytes(0, DATA_SIZE)));
        String subnqn = cd.subnqn();
        String hostnqn = cd.hostnqn();
        if (sqsize == 0 || sqsize + 1 > transport.maxQueueSize(qid)) {
            invalid(r, false, SQE_SQSIZE, "SQSIZE " + sqsize);
            return null;
        }
        Subsystem s = resolver.resolve(subnqn);
        if (s == null) {
            log.info("Connect from {} ({}) for unknown subsystem {}", hostnqn, r.queue().remoteAddress(), subnqn);
            invalid(r, true, OFF_SUBNQN, "subsystem " + subnqn);
            return null;
        }
        if (!s.hostAllowed().test(hostnqn)) {
            if (hostnqn.isEmpty()) {
                log.info("Connect for subsystem {} from {} refused: empty host NQN (anonymous host) and the subsystem "
                        + "admits listed hosts only", subnqn, r.queue().remoteAddress());
            } else {
                log.info("Connect for subsystem {} is not allowed, host {} ({})", subnqn, hostnqn, r.queue().remoteAddress());
            }
            r.complete(Status.dnr(Status.CONNECT_INVALID_HOST), 1 << 16 | OFF_HOSTNQN);
            return null;
        }
        io.nvmegate.protocol.tls.PskIdentity tls = r.queue().tlsPskIdentity();
        if (tls != null && !tls.hostNqn().equals(hostnqn)) { // a PSK admits its own host only
            log.warn("Connect for subsystem {} from {} refused: host NQN {} is not the TLS PSK identity's {}", subnqn,
                    r.queue().remoteAddress(), hostnqn, tls.hostNqn());
            r.complete(Status.dnr(Status.CONNECT_INVALID_HOST), 1 << 16 | OFF_HOSTNQN);
            return null;
        }
        if (hostnqn.isEmpty() && qid == 0) {
            log.info("Connect for subsystem {} from {}: empty host NQN, accepted as an anonymous host (host ID {}) since "
                    + "the subsystem allows any host", subnqn, r.queue().remoteAddress(), cd.hostId());
        }
        return qid == 0 ? admin(r, s, cd, sqsize, cattr, kato) : io(r, s, cd, qid, sqsize, cattr);
    }

    private ControllerQueue admin(NvmeRequest r, Subsystem s, ConnectData cd, int sqsize, int cattr, int kato) {
        if (cd.cntlid() != ConnectData.DYNAMIC_CNTLID) {
            invalid(r, true, OFF_CNTLID, "admin CNTLID " + cd.cntlid() + " (only the dynamic model, 0xFFFF)");
            return null;
        }
        boolean authenticates = authenticates(s);
        DhchapAuthenticator.Decision decision = authenticates ? auth.atConnect(cd.hostnqn(), s.nqn()) : DhchapAuthenticator.Decision.NONE;
        if (decision == DhchapAuthenticator.Decision.REFUSE) {
            auth.refused(vertx, cd.hostnqn(), s.nqn(), r.queue().remoteAddress());
            r.complete(Status.dnr(Status.CONNECT_INVALID_HOST), 1 << 16 | OFF_HOSTNQN);
            return null;
        }
        Controller c = registry.create(s, cd.hostnqn(), cd.hostId(), kato, transport, vertx);
        if (c == null) {
            int n = registry.count(s.nqn());
            log.warn("Connect for subsystem {} from {}: Controller Busy: {}", s.nqn(), r.queue().remoteAddress(),
                    n >= transport.maxControllersPerSubsystem()
                            ? n + " controllers, the most per subsystem (maxControllersPerSubsystem " + transport.maxControllersPerSubsystem() + ")"
                            : "no free CNTLID (" + registry.size() + " controllers)");
            r.complete(Status.CONNECT_CONTROLLER_BUSY);
            return null;
        }
        boolean required = decision == DhchapAuthenticator.Decision.AUTHENTICATE;
        c.authRequired(required);
        ControllerQueue q = c.attach(0, sqsize, cattr, r.queue(), authenticates ? auth.queue(c, 0, required) : null);
        c.keepAlive().start();
        log.info("{}: created for {} from {} (KATO {} ms{})", c, s.nqn(), r.queue().remoteAddress(), kato,
                required ? ", DH-HMAC-CHAP required" : "");
        q.accept(r);
        r.complete(Status.SUCCESS, c.cntlid() | (required ? AUTHREQ_ATR : 0));
        return q;
    }

    /** Authentication applies to this subsystem: a target with a policy, and not the discovery subsystem (nvmet). */
    private boolean authenticates(Subsystem s) {
        return auth != DhchapAuthenticator.NONE && !Opcodes.DISCOVERY_NQN.equals(s.nqn());
    }

    private ControllerQueue io(NvmeRequest r, Subsystem s, ConnectData cd, int qid, int sqsize, int cattr) {
        Controller c = registry.get(cd.cntlid());
        // As nvmet (nvmet_ctrl_find_get): match SUBNQN, HOSTNQN and CNTLID; the host ID may differ per queue, except
        // for an anonymous host (empty HOSTNQN), which only its host ID identifies.
        String hostnqn = cd.hostnqn();
        if (c == null || c.destroyed() || !c.subsystem().nqn().equals(s.nqn()) || !c.hostNqn().equals(hostnqn)
                || (hostnqn.isEmpty() && !c.hostId().equals(cd.hostId()))) {
            invalid(r, true, OFF_CNTLID, "no controller " + cd.cntlid() + " for " + (hostnqn.isEmpty() ? "anonymous host " + cd.hostId() : hostnqn) + " in " + s.nqn());
            return null;
        }
        int queues = Features.ioQueues(c);
        if (qid > queues) {
            invalid(r, false, SQE_QID, "QID " + qid + " > " + queues + " I/O queues");
            return null;
        }
        boolean required = c.authRequired();
        ControllerQueue q = c.attach(qid, sqsize, cattr, r.queue(), authenticates(s) ? auth.queue(c, qid, required) : null);
        if (q == null) {
            r.fail(Status.COMMAND_SEQUENCE_ERROR);
            return null;
        }
        log.debug("{}: I/O queue {} connected from {} (SQSIZE {})", c, qid, r.queue().remoteAddress(), sqsize);
        q.accept(r); // the response carries the new queue's SQID
        r.complete(Status.SUCCESS, c.cntlid() | (required ? AUTHREQ_ATR : 0));
        return q;
    }

    private static void invalid(NvmeRequest r, boolean inData, int ipo, String what) {
        log.info("Connect from {}: invalid parameter: {}", r.queue().remoteAddress(), what);
        r.complete(Status.dnr(Status.CONNECT_INVALID_PARAMETERS), (inData ? 1 << 16 : 0) | ipo);
    }
}
