package io.nvmegate.gateway.io;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The NVM command set on I/O queues (NVM Command Set 1.0 section 3; nvmet io-cmd-bdev.c), executed by the block
 * worker owning the namespace over the event bus.
 *
 * <ul>
 *   <li>Read 02h / Write 01h: SLBA CDW10-11, NLB CDW12 15:0 (0's based), FUA CDW12 bit 30 (writes are durable
 *       before completion with FUA or while the Volatile Write Cache feature is disabled). The SGL length must
 *       be NLB × block size (else Data SGL Length Invalid | DNR); beyond MDTS → Invalid Field | DNR.</li>
 *   <li>Compare 05h: SLBA, NLB, data as Write; a mismatch → Compare Failure (SCT 2 SC 85h).</li>
 *   <li>Verify 0Ch: SLBA, NLB; no data transfer, so no MDTS limit (VSL 0); the blocks are read and dropped.</li>
 *   <li>Flush 00h: durable before completion; NSID FFFFFFFFh flushes every namespace of the subsystem.</li>
 *   <li>Write Zeroes 08h: SLBA, NLB as Read; the range reads as zeroes (deallocated, DLFEAT).</li>
 *   <li>Dataset Management 09h: NR CDW10 7:0 (0's based ranges), AD CDW11 bit 2; ranges of 16 bytes
 *       {context attributes le32 @0, NLB le32 @4, SLBA le64 @8}; only deallocate acts.</li>
 *   <li>Fused Compare (FUSE 01b) + Write (FUSE 10b) ({@link #compareAndWrite}).</li>
 *   <li>Reservation Register 0Dh, Report 0Eh, Acquire 11h, Release 15h ({@link #reservation}).</li>
 * </ul>
 * Every block request carries the controller's host identifier and CNTLID: the block worker denies what the
 * namespace's reservation does not allow with Reservation Conflict | DNR (SCT 0 SC 83h).
 * Unknown or disabled NSID → Invalid Namespace or Format | DNR; SLBA + NLB beyond NSZE → LBA Out of Range | DNR;
 * other opcodes → Invalid Command Opcode | DNR. Successful reads (Read, Compare, Verify) and writes (Write, Write
 * Zeroes, Compare and Write) are counted for the SMART log.
 */
public final class NvmIo {
    private final CatalogView catalog;
    private final BlockClient blocks;

    public NvmIo(CatalogView catalog, BlockClient blocks) {
        this.catalog = catalog;
        this.blocks = blocks;
    }

    public void execute(Controller c, NvmeRequest r) {
        String nqn = c.subsystem().nqn();
        if (r.opcode() == Opcodes.IO_FLUSH && r.nsid() == 0xFFFFFFFF) {
            flushAll(nqn).onComplete(ar -> r.complete(ar.succeeded() ? ar.result() : Status.INTERNAL_ERROR));
            return;
        }
        NamespaceSpec ns = namespace(c, r);
        if (ns == null) return;
        Sqe sqe = r.sqe();
        long bytes = (long) sqe.nlb() * ns.blockSize();
        switch (r.opcode()) {
            case Opcodes.IO_READ: {
                if (!inRange(ns, sqe, r) || !lengthOk(c, ns, sqe.nlb(), r)) return;
                send(c, ns, BlockRequest.read(ns.uuid(), ns.blockSize(), sqe.slba(), sqe.nlb())).onSuccess(reply -> {
                    if (reply.status() != Status.SUCCESS) {
                        r.complete(reply.status());
                        return;
                    }
                    c.health().read(bytes);
                    r.respond(reply.data());
                });
                return;
            }
            case Opcodes.IO_WRITE: {
                if (!inRange(ns, sqe, r) || !lengthOk(c, ns, sqe.nlb(), r) || !dataOk(ns, r)) return;
                boolean fua = sqe.fua() || !c.features().writeCacheEnabled();
                complete(r, send(c, ns, BlockRequest.write(ns.uuid(), ns.blockSize(), sqe.slba(), sqe.nlb(), fua, r.data())),
                        () -> c.health().written(bytes));
                return;
            }
            case Opcodes.IO_COMPARE:
                if (!inRange(ns, sqe, r) || !lengthOk(c, ns, sqe.nlb(), r) || !dataOk(ns, r)) return;
                complete(r, send(c, ns, BlockRequest.compare(ns.uuid(), ns.blockSize(), sqe.slba(), sqe.nlb(), r.data())),
                        () -> c.health().read(bytes));
                return;
            case Opcodes.IO_VERIFY:
                if (!inRange(ns, sqe, r)) return;
                complete(r, send(c, ns, BlockRequest.verify(ns.uuid(), ns.blockSize(), sqe.slba(), sqe.nlb())),
                        () -> c.health().read(bytes));
                return;
            case Opcodes.IO_FLUSH:
                complete(r, send(c, ns, BlockRequest.flush(ns.uuid())), null);
                return;
            case Opcodes.IO_WRITE_ZEROES:
                if (!inRange(ns, sqe, r)) return;
                complete(r, send(c, ns, BlockRequest.writeZeroes(ns.uuid(), ns.blockSize(), sqe.slba(), sqe.nlb())),
                        () -> c.health().written(0));
                return;
            case Opcodes.IO_DATASET_MANAGEMENT:
                datasetManagement(c, ns, r);
                return;
            case Opcodes.IO_RESERVATION_REGISTER:
                reservation(c, ns, r, BlockOp.RESERVATION_REGISTER, 16);
                return;
            case Opcodes.IO_RESERVATION_ACQUIRE:
                reservation(c, ns, r, BlockOp.RESERVATION_ACQUIRE, 16);
                return;
            case Opcodes.IO_RESERVATION_RELEASE:
                reservation(c, ns, r, BlockOp.RESERVATION_RELEASE, 8);
                return;
            case Opcodes.IO_RESERVATION_REPORT:
                reservation(c, ns, r, BlockOp.RESERVATION_REPORT, 0);
                return;
            default:
                r.fail(Status.INVALID_OPCODE);
        }
    }

    /**
     * Fused Compare and Write (NVMe Base 2.0 section 3.4.2; NVM Command Set 1.0 section 3.2.1): {@code first} must
     * be a Compare and {@code second} a Write of the same NSID, SLBA and NLB (else the first fails with Invalid
     * Field | DNR). The block worker compares and writes as one atomic unit. A mismatch completes the Compare
     * with Compare Failure; whenever one command fails, the other completes with Command Aborted due to Failed
     * Fused Command.
     */
    public void compareAndWrite(Controller c, NvmeRequest first, NvmeRequest second) {
        Sqe cmp = first.sqe(), wr = second.sqe();
        if (cmp.opcode() != Opcodes.IO_COMPARE || wr.opcode() != Opcodes.IO_WRITE || cmp.nsid() != wr.nsid()
                || cmp.slba() != wr.slba() || cmp.nlb() != wr.nlb()) {
            first.fail(Status.INVALID_FIELD);
            second.fail(Status.ABORTED_FAILED_FUSED);
            return;
        }
        NamespaceSpec ns = namespace(c, first);
        if (ns == null || !inRange(ns, cmp, first) || !lengthOk(c, ns, cmp.nlb(), first) || !dataOk(ns, first)
                || !lengthOk(c, ns, wr.nlb(), second) || !dataOk(ns, second)) {
            first.fail(Status.ABORTED_FAILED_FUSED);
            second.fail(Status.ABORTED_FAILED_FUSED);
            return;
        }
        long bytes = (long) cmp.nlb() * ns.blockSize();
        Buffer both = Buffer.buffer((int) (2 * bytes)).appendBuffer(first.data()).appendBuffer(second.data());
        boolean fua = wr.fua() || !c.features().writeCacheEnabled();
        send(c, ns, BlockRequest.compareAndWrite(ns.uuid(), ns.blockSize(), cmp.slba(), cmp.nlb(), fua, both)).onSuccess(reply -> {
            if (reply.status() == Status.SUCCESS) {
                c.health().read(bytes);
                c.health().written(bytes);
                first.complete(Status.SUCCESS);
                second.complete(Status.SUCCESS);
            } else {
                first.complete(reply.status());
                second.complete(Status.ABORTED_FAILED_FUSED);
            }
        });
    }

    /** @return the active namespace the command names, or null after failing it with Invalid Namespace | DNR */
    private NamespaceSpec namespace(Controller c, NvmeRequest r) {
        NamespaceSpec ns = catalog.current().namespace(c.subsystem().nqn(), r.nsid());
        if (ns == null || !ns.enabled()) {
            r.fail(Status.INVALID_NAMESPACE);
            return null;
        }
        return ns;
    }

    /**
     * Reservation Register / Acquire / Release / Report (NVMe Base 2.0 sections 7.2..7.5), executed by the block
     * worker owning the namespace (the block worker's ReservationEngine has the rules and statuses; Register and Acquire data: CRKEY @0, NRKEY or PRKEY @8; Release: CRKEY @0). Register and Acquire
     * need 16 bytes of data, Release 8 (less → Data SGL Length Invalid | DNR); the Report is returned up to the
     * SGL length.
     */
    private void reservation(Controller c, NamespaceSpec ns, NvmeRequest r, BlockOp op, int dataBytes) {
        Buffer d = null;
        if (dataBytes > 0) {
            if (r.data() == null || r.data().length() < dataBytes) {
                r.fail(Status.SGL_DATA_LENGTH_INVALID);
                return;
            }
            d = r.data().slice(0, dataBytes);
        }
        send(ns, BlockRequest.reservation(op, ns.uuid(), r.sqe().cdw(10), r.sqe().cdw(11), d, c.hostId(), c.cntlid())).onSuccess(reply -> {
            if (reply.status() == Status.SUCCESS && reply.data() != null) r.respond(reply.data());
            else r.complete(reply.status());
        });
    }

    /**
     * Tells the block workers of subsystem {@code nqn}'s namespaces that controller {@code c} is gone, so their
     * Reservation Reports stop listing its CNTLID.
     */
    public void controllerGone(Controller c) {
        for (NamespaceSpec ns : catalog.current().namespaces(c.subsystem().nqn())) {
            blocks.post(ns, new BlockRequest(BlockOp.CONTROLLER_GONE, ns.uuid(), 0, 0, 0, false, null, null, c.hostId(), c.cntlid()));
        }
    }

    /** Reservation Persistence (feature 83h) of namespace {@code ns}: {@code ptpl} null reads it. */
    public Future<BlockReply> persistence(Controller c, NamespaceSpec ns, Boolean ptpl) {
        Buffer d = ptpl == null ? null : Buffer.buffer(new byte[] {(byte) (ptpl ? 1 : 0)});
        return send(ns, BlockRequest.reservation(BlockOp.RESERVATION_PERSISTENCE, ns.uuid(), 0, 0, d, c.hostId(), c.cntlid()));
    }

    private void datasetManagement(Controller c, NamespaceSpec ns, NvmeRequest r) {
        int nr = (r.sqe().cdw(10) & 0xFF) + 1;
        boolean deallocate = (r.sqe().cdw(11) & 1 << 2) != 0;
        Buffer d = r.data();
        if (d == null || d.length() < nr * 16) {
            r.fail(Status.SGL_DATA_LENGTH_INVALID);
            return;
        }
        if (!deallocate) {
            r.complete(Status.SUCCESS); // integral read/write hints only: nothing to do
            return;
        }
        long[] ranges = new long[nr * 2];
        for (int i = 0; i < nr; i++) {
            long nlb = Integer.toUnsignedLong(d.getIntLE(i * 16 + 4));
            long slba = d.getLongLE(i * 16 + 8);
            if (slba < 0 || slba + nlb > ns.blocks()) {
                r.fail(Status.LBA_OUT_OF_RANGE);
                return;
            }
            ranges[2 * i] = slba;
            ranges[2 * i + 1] = nlb;
        }
        complete(r, send(c, ns, BlockRequest.deallocate(ns.uuid(), ns.blockSize(), ranges)), null);
    }

    /** Flushes every enabled namespace of subsystem {@code nqn}; @return the first failure's status, or success. */
    public Future<Integer> flushAll(String nqn) {
        List<Future<BlockReply>> all = new ArrayList<>();
        for (NamespaceSpec ns : catalog.current().namespaces(nqn)) {
            if (ns.enabled()) all.add(send(ns, BlockRequest.flush(ns.uuid())));
        }
        return Future.all(all).transform(ar -> {
            int status = Status.SUCCESS;
            for (Future<BlockReply> f : all) if (f.result().status() != 0) status = f.result().status();
            return Future.succeededFuture(status);
        });
    }

    /** Sends a request of controller {@code c}'s host: the worker checks it against the namespace's reservation. */
    private Future<BlockReply> send(Controller c, NamespaceSpec ns, BlockRequest req) {
        return send(ns, req.withHost(c.hostId(), c.cntlid()));
    }

    private Future<BlockReply> send(NamespaceSpec ns, BlockRequest req) {
        if (GatewayNullBackend.NAME.equals(ns.backend())) return Future.succeededFuture(GatewayNullBackend.answer(req)); // diagnostic
        return blocks.send(ns, req).recover(t -> Future.succeededFuture(new BlockReply(Status.INTERNAL_ERROR, null)));
    }

    private static boolean inRange(NamespaceSpec ns, Sqe sqe, NvmeRequest r) {
        long slba = sqe.slba();
        if (slba < 0 || slba + sqe.nlb() > ns.blocks()) {
            r.fail(Status.LBA_OUT_OF_RANGE);
            return false;
        }
        return true;
    }

    private static boolean lengthOk(Controller c, NamespaceSpec ns, int nlb, NvmeRequest r) {
        long bytes = (long) nlb * ns.blockSize();
        if (bytes > c.transport().mdtsBytes()) {
            r.fail(Status.INVALID_FIELD);
            return false;
        }
        if (r.transferLength() != bytes) {
            r.fail(Status.SGL_DATA_LENGTH_INVALID);
            return false;
        }
        return true;
    }

    private static boolean dataOk(NamespaceSpec ns, NvmeRequest r) {
        if (r.data() == null || r.data().length() != r.sqe().nlb() * ns.blockSize()) {
            r.fail(Status.SGL_DATA_LENGTH_INVALID);
            return false;
        }
        return true;
    }

    /** Completes {@code r} with the worker's status; runs {@code onSuccess} (counters) first when it succeeded. */
    private static void complete(NvmeRequest r, Future<BlockReply> f, Runnable onSuccess) {
        f.onSuccess(reply -> {
            if (reply.status() == Status.SUCCESS && onSuccess != null) onSuccess.run();
            r.complete(reply.status());
        });
    }
}
