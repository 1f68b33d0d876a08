package io.nvmegate.gateway.io;

import io.nvmegate.admin.Features;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.LbaRange;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The NVM command set's I/O commands (NVM Command Set 1.0 section 3; nvmet io-cmd-bdev.c), executed by the block
 * worker owning the namespace over the event bus ({@link BlockClient}). {@link #parse} is the one place where an
 * I/O command is checked, when its capsule arrives and before its data is gathered: NSID, LBA range
 * ({@link LbaRange}, the rule the worker applies too) and transfer length (NLB × block size against MDTS and the
 * SGL length); it returns the handler with the parsed command ({@link LbaCommand}).
 *
 * <ul>
 *   <li>Read 02h / Write 01h: SLBA CDW10-11, NLB CDW12 15:0 (0's based), FUA CDW12 bit 30 (writes are durable
 *       before completion with FUA or while the Volatile Write Cache feature is disabled). NLB × block size beyond
 *       MDTS → Invalid Field | DNR at NLB; an SGL length other than NLB × block size → Data SGL Length Invalid |
 *       DNR at SGL Length.</li>
 *   <li>Compare 05h: SLBA, NLB, data as Write; a mismatch → Compare Failure (SCT 2 SC 85h).</li>
 *   <li>Verify 0Ch: SLBA, NLB; no data transfer, so no MDTS limit (VSL 0); the blocks are read and dropped.</li>
 *   <li>Flush 00h: durable before completion; NSID FFFFFFFFh flushes every namespace of the subsystem.</li>
 *   <li>Write Zeroes 08h: SLBA, NLB as Read, FUA CDW12 bit 30 as Write; the range reads as zeroes (deallocated,
 *       DLFEAT); durable before completion with FUA or while the Volatile Write Cache is disabled.</li>
 *   <li>Dataset Management 09h: NR CDW10 7:0 (0's based ranges), AD CDW11 bit 2; ranges of 16 bytes
 *       {context attributes le32 @0, NLB le32 @4, SLBA le64 @8}; only deallocate acts; an SGL shorter than the
 *       ranges → Data SGL Length Invalid; a range beyond NSZE → LBA Out of Range; durable before completion
 *       while the Volatile Write Cache is disabled (DSM has no FUA bit), else after a Flush.</li>
 *   <li>Fused Compare (FUSE 01b) + Write (FUSE 10b) ({@link #compareAndWrite}).</li>
 * </ul>
 * Every block request carries the controller's host identifier and CNTLID: the block worker denies what the
 * namespace's reservation does not allow with Reservation Conflict | DNR (SCT 0 SC 83h). Unknown or disabled
 * NSID → Invalid Namespace or Format | DNR at NSID; SLBA + NLB beyond NSZE → LBA Out of Range | DNR at SLBA; other
 * opcodes → Invalid Command Opcode | DNR at OPC. Successful reads (Read, Compare, Verify) and writes (Write, Write
 * Zeroes, Compare and Write) are counted for the SMART log. (Reservation commands: {@code
 * io.nvmegate.gateway.reservation}.)
 */
public final class IoCommands {
    /** SLBA (CDW10-11) and NLB (CDW12 15:0): the fields at fault for range and length errors. */
    static final int LOC_SLBA = ErrorLocation.cdw(10, 0), LOC_NLB = ErrorLocation.cdw(12, 0), LOC_NR = ErrorLocation.cdw(10, 0);

    private final CatalogView catalog;
    private final BlockClient blocks;

    /**
     * An I/O command with an LBA range, as parsed.
     *
     * @param ns    the active namespace it names
     * @param slba  first LBA
     * @param nlb   number of blocks, 1-based
     * @param bytes nlb × block size
     */
    public record LbaCommand(NamespaceSpec ns, long slba, int nlb, long bytes) {}

    public IoCommands(CatalogView catalog, BlockClient blocks) {
        this.catalog = catalog;
        this.blocks = blocks;
    }

    public BlockClient blocks() { return blocks; }

    /** @return the handler of NVM I/O command {@code r} (reservation commands excepted) */
    public NvmeRequest.Handler parse(Controller c, NvmeRequest r) throws StatusException {
        Sqe sqe = r.sqe();
        if (r.opcode() == Opcodes.IO_FLUSH && r.nsid() == 0xFFFFFFFF) {
            String nqn = c.subsystem().nqn();
            return x -> flushAll(nqn).onComplete(ar -> x.complete(ar.succeeded() ? ar.result() : Status.INTERNAL_ERROR));
        }
        NamespaceSpec ns = namespace(catalog, c, r.nsid());
        switch (r.opcode()) {
            case Opcodes.IO_READ: {
                LbaCommand cmd = transfer(c, r, range(ns, sqe));
                return x -> send(c, cmd.ns(), BlockRequest.read(ns.uuid(), ns.blockSize(), cmd.slba(), cmd.nlb())).onSuccess(reply -> {
                    if (reply.status() != Status.SUCCESS) {
                        x.complete(reply.status());
                        return;
                    }
                    c.health().read(cmd.bytes());
                    x.respond(reply.data());
                });
            }
            case Opcodes.IO_WRITE: {
                LbaCommand cmd = transfer(c, r, range(ns, sqe));
                boolean fua = sqe.fua();
                return x -> complete(x, send(c, ns, BlockRequest.write(ns.uuid(), ns.blockSize(), cmd.slba(), cmd.nlb(),
                        fua || !Features.writeCacheEnabled(c), x.data())), () -> c.health().written(cmd.bytes()));
            }
            case Opcodes.IO_COMPARE: {
                LbaCommand cmd = transfer(c, r, range(ns, sqe));
                return x -> complete(x, send(c, ns, BlockRequest.compare(ns.uuid(), ns.blockSize(), cmd.slba(), cmd.nlb(), x.data())),
                        () -> c.health().read(cmd.bytes()));
            }
            case Opcodes.IO_VERIFY: {
                LbaCommand cmd = range(ns, sqe);
                return x -> complete(x, send(c, ns, BlockRequest.verify(ns.uuid(), ns.blockSize(), cmd.slba(), cmd.nlb())),
                        () -> c.health().read(cmd.bytes()));
            }
            case Opcodes.IO_FLUSH:
                return x -> complete(x, send(c, ns, BlockRequest.flush(ns.uuid())), null);
            case Opcodes.IO_WRITE_ZEROES: {
                LbaCommand cmd = range(ns, sqe);
                boolean fua = sqe.fua() || !Features.writeCacheEnabled(c);
                return x -> complete(x, send(c, ns, BlockRequest.writeZeroes(ns.uuid(), ns.blockSize(), cmd.slba(), cmd.nlb(), fua)),
                        () -> c.health().written(0));
            }
            case Opcodes.IO_DATASET_MANAGEMENT: {
                int nr = (sqe.cdw(10) & 0xFF) + 1;
                if (r.transferLength() < nr * 16) throw StatusException.dnr(Status.SGL_DATA_LENGTH_INVALID, ErrorLocation.SGL_LENGTH);
                boolean deallocate = (sqe.cdw(11) & 1 << 2) != 0;
                return x -> datasetManagement(c, ns, x, nr, deallocate);
            }
            default:
                throw StatusException.dnr(Status.INVALID_OPCODE, ErrorLocation.OPCODE);
        }
    }

    /**
     * @return the active namespace {@code nsid} of {@code c}'s subsystem
     * @throws StatusException Invalid Namespace or Format | DNR at NSID
     */
    public static NamespaceSpec namespace(CatalogView catalog, Controller c, int nsid) throws StatusException {
        NamespaceSpec ns = catalog.current().namespace(c.subsystem().nqn(), nsid);
        if (ns == null || !ns.enabled()) throw StatusException.dnr(Status.INVALID_NAMESPACE, ErrorLocation.NSID);
        return ns;
    }

    /** SLBA and NLB of {@code sqe}, within NSZE ({@link LbaRange}); else LBA Out of Range | DNR at SLBA. */
    static LbaCommand range(NamespaceSpec ns, Sqe sqe) throws StatusException {
        long slba = sqe.slba();
        int nlb = sqe.nlb();
        int status = LbaRange.check(slba, nlb, ns.blocks());
        if (status != Status.SUCCESS) throw new StatusException(status, LOC_SLBA);
        return new LbaCommand(ns, slba, nlb, (long) nlb * ns.blockSize());
    }

    /** The data transfer of {@code cmd}: ≤ MDTS (Invalid Field at NLB) and = the SGL length (Data SGL Length Invalid). */
    static LbaCommand transfer(Controller c, NvmeRequest r, LbaCommand cmd) throws StatusException {
        if (cmd.bytes() > c.transport().mdtsBytes()) throw StatusException.invalidField(LOC_NLB);
        if (r.transferLength() != cmd.bytes()) throw StatusException.dnr(Status.SGL_DATA_LENGTH_INVALID, ErrorLocation.SGL_LENGTH);
        return cmd;
    }

    /**
     * Fused Compare and Write (NVMe Base 2.0 section 3.4.2; NVM Command Set 1.0 section 3.2.1): {@code first} must
     * be a Compare and {@code second} a Write of the same NSID, SLBA and NLB (else the first fails with Invalid
     * Field | DNR). Each is checked as a single command would be ({@link #range}, {@link #transfer}); the one that
     * fails a check completes with that status. The block worker compares and writes as one atomic unit. A mismatch
     * completes the Compare with Compare Failure; whenever one command fails, the other completes with Command
     * Aborted due to Failed Fused Command.
     */
    public void compareAndWrite(Controller c, NvmeRequest first, NvmeRequest second) {
        Sqe cmp = first.sqe(), wr = second.sqe();
        if (cmp.opcode() != Opcodes.IO_COMPARE || wr.opcode() != Opcodes.IO_WRITE || cmp.nsid() != wr.nsid()
                || cmp.slba() != wr.slba() || cmp.nlb() != wr.nlb()) {
            first.fail(Status.INVALID_FIELD, cmp.opcode() != Opcodes.IO_COMPARE || wr.opcode() != Opcodes.IO_WRITE ? ErrorLocation.OPCODE : ErrorLocation.NONE);
            second.fail(Status.ABORTED_FAILED_FUSED);
            return;
        }
        LbaCommand cmd;
        try {
            cmd = transfer(c, first, range(namespace(catalog, c, cmp.nsid()), cmp));
        } catch (StatusException e) {
            first.fail(e);
            second.fail(Status.ABORTED_FAILED_FUSED);
            return;
        }
        try {
            transfer(c, second, cmd);
        } catch (StatusException e) {
            second.fail(e);
            first.fail(Status.ABORTED_FAILED_FUSED);
            return;
        }
        NamespaceSpec ns = cmd.ns();
        long bytes = cmd.bytes();
        Buffer both = Buffer.buffer((int) (2 * bytes)).appendBuffer(first.data()).appendBuffer(second.data());
        boolean fua = wr.fua() || !Features.writeCacheEnabled(c);
        send(c, ns, BlockRequest.compareAndWrite(ns.uuid(), ns.blockSize(), cmd.slba(), cmd.nlb(), fua, both)).onSuccess(reply -> {
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

    private void datasetManagement(Controller c, NamespaceSpec ns, NvmeRequest r, int nr, boolean deallocate) throws StatusException {
        if (!deallocate) {
            r.complete(Status.SUCCESS); // integral read/write hints only: nothing to do
            return;
        }
        Buffer d = r.data();
        long[] ranges = new long[nr * 2];
        for (int i = 0; i < nr; i++) {
            long nlb = Integer.toUnsignedLong(d.getIntLE(i * 16 + 4));
            long slba = d.getLongLE(i * 16 + 8);
            int status = LbaRange.check(slba, nlb, ns.blocks());
            if (status != Status.SUCCESS) throw new StatusException(status); // the range is in the data, not the SQE
            ranges[2 * i] = slba;
            ranges[2 * i + 1] = nlb;
        }
        complete(r, send(c, ns, BlockRequest.deallocate(ns.uuid(), ns.blockSize(), ranges, !Features.writeCacheEnabled(c))), null);
    }

    /** Flushes every enabled namespace of subsystem {@code nqn}; @return the first failure's status, or success. */
    public Future<Integer> flushAll(String nqn) {
        List<Future<BlockReply>> all = new ArrayList<>();
        for (NamespaceSpec ns : catalog.current().namespaces(nqn)) {
            if (ns.enabled()) all.add(blocks.send(ns, BlockRequest.flush(ns.uuid())));
        }
        return Future.all(all).transform(ar -> {
            int status = Status.SUCCESS;
            for (Future<BlockReply> f : all) if (f.result().status() != 0) status = f.result().status();
            return Future.succeededFuture(status);
        });
    }

    /** Sends a request of controller {@code c}'s host: the worker checks it against the namespace's reservation. */
    private Future<BlockReply> send(Controller c, NamespaceSpec ns, BlockRequest req) {
        return blocks.send(ns, req.withHost(c.hostId(), c.cntlid()));
    }

    /** Completes {@code r} with the worker's status; runs {@code onSuccess} (counters) first when it succeeded. */
    private static void complete(NvmeRequest r, Future<BlockReply> f, Runnable onSuccess) {
        f.onSuccess(reply -> {
            if (reply.status() == Status.SUCCESS && onSuccess != null) onSuccess.run();
            r.complete(reply.status());
        });
    }
}
