package io.nvmegate.controller;

import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.transport.TransportConfig;
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
 * C2HData carrying SUCCESS and no CapsuleResp, NVMe/TCP 1.0 section 3.6.2.8). Data (1024 bytes, in-capsule): HOSTID @0 (16), CNTLID le16 @16 (0xFFFF on the admin
 * queue: dynamic model), SUBNQN @256 (256), HOSTNQN @512 (256).
 *
 * <p>Success: DW0 bits 15:0 = CNTLID. Errors (SCT 1, all with DNR, as nvmet): Incompatible Format (RECFMT),
 * Connect Invalid Parameters with DW0 = IATTR << 16 | IPO (IATTR 1 = data, 0 = SQE; IPO the byte offset of the
 * bad field: 256 SUBNQN, 16 CNTLID, 44 SQSIZE, 42 QID), Connect Invalid Host (IPO 512, HOSTNQN). A command
 * other than Connect before Connect → Command Sequence Error.
 */
public final class FabricsConnect {
    private static final Logger log = LoggerFactory.getLogger(FabricsConnect.class);
    public static final int DATA_SIZE = ConnectData.SIZE;
    public static final int OFF_HOSTID = ConnectData.OFF_HOSTID, OFF_CNTLID = ConnectData.OFF_CNTLID,
            OFF_SUBNQN = ConnectData.OFF_SUBNQN, OFF_HOSTNQN = ConnectData.OFF_HOSTNQN;

    private final SubsystemResolver resolver;
    private final ControllerRegistry registry;
    private final TransportConfig transport;
    private final Vertx vertx;

    public FabricsConnect(SubsystemResolver resolver, ControllerRegistry registry, TransportConfig transport, Vertx vertx) {
        this.resolver = resolver;
        this.registry = registry;
        this.transport = transport;
        this.vertx = vertx;
    }

    /** Handles the first command of a queue. @return the bound queue, or {@code null} if it was rejected. */
    public ControllerQueue connect(NvmeRequest r) {
        Sqe sqe = r.sqe();
        if (sqe.opcode() != Opcodes.FABRICS || sqe.fctype() != Opcodes.FCTYPE_CONNECT) {
            r.fail(Status.COMMAND_SEQUENCE_ERROR);
            return null;
        }
        if (sqe.u16(40) != 0) {
            r.fail(Status.CONNECT_INCOMPATIBLE_FORMAT);
            return null;
        }
        Buffer data = r.data();
        if (data == null || data.length() < DATA_SIZE) {
            r.fail(Status.INVALID_FIELD);
            return null;
        }
        int qid = sqe.u16(42);
        int sqsize = sqe.u16(44);
        int kato = sqe.u32(48);
        int cattr = sqe.u8(46);
        ConnectData cd = ConnectData.decode(java.nio.ByteBuffer.wrap(data.getBytes(0, DATA_SIZE)));
        UUID hostId = cd.hostId();
        int cntlid = cd.cntlid();
        String subnqn = cd.subnqn();
        String hostnqn = cd.hostnqn();
        if (sqsize == 0 || sqsize + 1 > transport.maxQueueSize(qid)) {
            invalid(r, false, 44, "SQSIZE " + sqsize);
            return null;
        }
        Subsystem s = resolver.resolve(subnqn);
        if (s == null) {
            log.info("Connect from {} ({}) for unknown subsystem {}", hostnqn, r.queue().remoteAddress(), subnqn);
            invalid(r, true, OFF_SUBNQN, "subsystem " + subnqn);
            return null;
        }
        if (hostnqn.isEmpty()) {
            invalid(r, true, OFF_HOSTNQN, "empty host NQN");
            return null;
        }
        if (!s.hostAllowed().test(hostnqn)) {
            log.info("Connect for subsystem {} is not allowed, host {} ({})", subnqn, hostnqn, r.queue().remoteAddress());
            r.complete(Status.dnr(Status.CONNECT_INVALID_HOST), 1 << 16 | OFF_HOSTNQN);
            return null;
        }
        return qid == 0 ? admin(r, s, hostnqn, hostId, cntlid, sqsize, cattr, kato) : io(r, s, hostnqn, cntlid, qid, sqsize, cattr);
    }

    private ControllerQueue admin(NvmeRequest r, Subsystem s, String hostnqn, UUID hostId, int cntlid, int sqsize, int cattr, int kato) {
        if (cntlid != 0xFFFF) {
            invalid(r, true, OFF_CNTLID, "admin CNTLID " + cntlid + " (only the dynamic model, 0xFFFF)");
            return null;
        }
        Controller c = registry.create(s, hostnqn, hostId, kato, transport, vertx);
        if (c == null) {
            r.complete(Status.CONNECT_CONTROLLER_BUSY);
            return null;
        }
        ControllerQueue q = c.attach(0, sqsize, cattr, r.queue());
        c.keepAlive().start();
        log.info("{}: created for {} from {} (KATO {} ms)", c, s.nqn(), r.queue().remoteAddress(), kato);
        r.complete(Status.SUCCESS, c.cntlid());
        return q;
    }

    private ControllerQueue io(NvmeRequest r, Subsystem s, String hostnqn, int cntlid, int qid, int sqsize, int cattr) {
        Controller c = registry.get(cntlid);
        // As nvmet (nvmet_ctrl_find_get): match SUBNQN, HOSTNQN and CNTLID; the host ID may differ per queue.
        if (c == null || c.destroyed() || !c.subsystem().nqn().equals(s.nqn()) || !c.hostNqn().equals(hostnqn)) {
            invalid(r, true, OFF_CNTLID, "no controller " + cntlid + " for " + hostnqn + " in " + s.nqn());
            return null;
        }
        if (qid > c.features().ioQueues()) {
            invalid(r, false, 42, "QID " + qid + " > " + c.features().ioQueues() + " I/O queues");
            return null;
        }
        ControllerQueue q = c.attach(qid, sqsize, cattr, r.queue());
        if (q == null) {
            r.fail(Status.COMMAND_SEQUENCE_ERROR);
            return null;
        }
        log.debug("{}: I/O queue {} connected from {} (SQSIZE {})", c, qid, r.queue().remoteAddress(), sqsize);
        r.complete(Status.SUCCESS, c.cntlid());
        return q;
    }

    private static void invalid(NvmeRequest r, boolean inData, int ipo, String what) {
        log.info("Connect from {}: invalid parameter: {}", r.queue().remoteAddress(), what);
        r.complete(Status.dnr(Status.CONNECT_INVALID_PARAMETERS), (inData ? 1 << 16 : 0) | ipo);
    }
}
