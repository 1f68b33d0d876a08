package io.nvmegate.gateway.io;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.storage.BlockReply;
import io.nvmegate.storage.BlockRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The NVM command set on I/O queues (NVM Command Set 1.0 section 3; nvmet io-cmd-bdev.c), executed by the block
 * worker owning the namespace over the event bus.
 *
 * <ul>
 *   <li>Read 02h / Write 01h: SLBA CDW10-11, NLB CDW12 15:0 (0's based), FUA CDW12 bit 30. The SGL length must be
 *       NLB × block size (else Data SGL Length Invalid | DNR); beyond MDTS → Invalid Field | DNR.</li>
 *   <li>Flush 00h: durable before completion; NSID FFFFFFFFh flushes every namespace of the subsystem.</li>
 *   <li>Write Zeroes 08h: SLBA, NLB as Read; the range reads as zeroes (deallocated).</li>
 *   <li>Dataset Management 09h: NR CDW10 7:0 (0's based ranges), AD CDW11 bit 2; ranges of 16 bytes
 *       {context attributes le32 @0, NLB le32 @4, SLBA le64 @8}; only deallocate acts.</li>
 * </ul>
 * Unknown or disabled NSID → Invalid Namespace or Format | DNR; SLBA + NLB beyond NSZE → LBA Out of Range | DNR;
 * other opcodes → Invalid Command Opcode | DNR.
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
            flushAll(nqn, r);
            return;
        }
        NamespaceSpec ns = catalog.current().namespace(nqn, r.nsid());
        if (ns == null || !ns.enabled()) {
            r.fail(Status.INVALID_NAMESPACE);
            return;
        }
        Sqe sqe = r.sqe();
        switch (r.opcode()) {
            case Opcodes.IO_READ: {
                if (!inRange(ns, sqe.slba(), sqe.nlb(), r) || !lengthOk(c, ns, sqe.nlb(), r)) return;
                reply(r, blocks.send(ns, BlockRequest.read(ns.uuid(), ns.blockSize(), sqe.slba(), sqe.nlb())), true);
                return;
            }
            case Opcodes.IO_WRITE: {
                if (!inRange(ns, sqe.slba(), sqe.nlb(), r) || !lengthOk(c, ns, sqe.nlb(), r)) return;
                Buffer data = r.data();
                if (data == null || data.length() != sqe.nlb() * ns.blockSize()) {
                    r.fail(Status.SGL_DATA_LENGTH_INVALID);
                    return;
                }
                reply(r, blocks.send(ns, BlockRequest.write(ns.uuid(), ns.blockSize(), sqe.slba(), sqe.nlb(), sqe.fua(), data)), false);
                return;
            }
            case Opcodes.IO_FLUSH:
                reply(r, blocks.send(ns, BlockRequest.flush(ns.uuid())), false);
                return;
            case Opcodes.IO_WRITE_ZEROES:
                if (!inRange(ns, sqe.slba(), sqe.nlb(), r)) return;
                reply(r, blocks.send(ns, BlockRequest.writeZeroes(ns.uuid(), ns.blockSize(), sqe.slba(), sqe.nlb())), false);
                return;
            case Opcodes.IO_DATASET_MANAGEMENT:
                datasetManagement(ns, r);
                return;
            default:
                r.fail(Status.INVALID_OPCODE);
        }
    }

    private void datasetManagement(NamespaceSpec ns, NvmeRequest r) {
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
        reply(r, blocks.send(ns, BlockRequest.deallocate(ns.uuid(), ns.blockSize(), ranges)), false);
    }

    private void flushAll(String nqn, NvmeRequest r) {
        List<Future<BlockReply>> all = new ArrayList<>();
        for (NamespaceSpec ns : catalog.current().namespaces(nqn)) {
            if (ns.enabled()) all.add(blocks.send(ns, BlockRequest.flush(ns.uuid())));
        }
        Future.all(all).onComplete(ar -> {
            int status = Status.SUCCESS;
            for (Future<BlockReply> f : all) if (f.result().status() != 0) status = f.result().status();
            r.complete(status);
        });
    }

    private static boolean inRange(NamespaceSpec ns, long slba, int nlb, NvmeRequest r) {
        if (slba < 0 || slba + nlb > ns.blocks()) {
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

    private static void reply(NvmeRequest r, Future<BlockReply> f, boolean withData) {
        f.onSuccess(reply -> {
            if (reply.status() != Status.SUCCESS) {
                r.complete(reply.status());
            } else if (withData) {
                r.respond(reply.data());
            } else {
                r.complete(Status.SUCCESS);
            }
        }).onFailure(t -> r.complete(Status.INTERNAL_ERROR));
    }
}
