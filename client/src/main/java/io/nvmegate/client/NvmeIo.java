package io.nvmegate.client;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Sqe;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * NVM command set I/O (NVMe NVM Command Set 1.0 section 3): implemented by {@link NvmeController} (spreading
 * commands over its I/O queues round-robin) and by {@link IoQueue} (one specific queue). Thread-safe; any number
 * of commands may be outstanding.
 *
 * <p>Units: SLBA and NLB are in logical blocks; {@code blockSize} is the namespace's block size in bytes
 * ({@link IdentifyNamespace#blockSize()}); NLB is 1-based (1..65536). Transfers larger than the controller's MDTS
 * are not split: the controller rejects them. Asynchronous methods return futures that complete on the queue's
 * reader thread (use the {@code *Async} variants of {@link CompletableFuture} for heavy work); failed commands
 * complete them with {@link NvmeStatusException}, {@link NvmeTransportException} or {@link NvmeTimeoutException}.
 * Blocking methods throw those same exceptions; they must not be called from a callback running on a reader
 * thread (they throw {@link IllegalStateException} there): chain the {@code *Async} methods instead.
 */
public interface NvmeIo {

    /**
     * Submits any I/O command.
     *
     * @param sqe          the SQE (copied; CID and SGL1 are filled in by the queue)
     * @param dataOut      host-to-controller data (remaining bytes), or null; not copied: do not modify it until
     *                     the future completes
     * @param dataInLength controller-to-host bytes expected, or 0
     */
    CompletableFuture<Completion> submitIo(Sqe sqe, ByteBuffer dataOut, int dataInLength);

    /** Read (02h) of {@code nlb} blocks at {@code slba}; the future yields {@code nlb * blockSize} bytes. */
    default CompletableFuture<byte[]> readAsync(int nsid, long slba, int nlb, int blockSize) {
        long len = (long) nlb * blockSize;
        if (blockSize <= 0 || len > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("transfer of " + nlb + " x " + blockSize + " bytes");
        return submitIo(CommandBuilders.read(nsid, slba, nlb), null, (int) len).thenApply(c -> c.data().array());
    }

    /** Blocking {@link #readAsync}. */
    default byte[] read(int nsid, long slba, int nlb, int blockSize) {
        return Await.get(readAsync(nsid, slba, nlb, blockSize));
    }

    /**
     * Write (01h) of {@code data} at {@code slba}; NLB = {@code data.remaining() / blockSize}.
     *
     * @param data a whole number of blocks (not copied; do not modify until the future completes)
     * @param fua  Force Unit Access (CDW12 bit 30)
     * @throws IllegalArgumentException if the data is empty or not a multiple of {@code blockSize}
     */
    default CompletableFuture<Cqe> writeAsync(int nsid, long slba, ByteBuffer data, int blockSize, boolean fua) {
        if (blockSize <= 0 || !data.hasRemaining() || data.remaining() % blockSize != 0) {
            throw new IllegalArgumentException(data.remaining() + " bytes is not a whole number of " + blockSize + "-byte blocks");
        }
        return submitIo(CommandBuilders.write(nsid, slba, data.remaining() / blockSize, fua), data, 0).thenApply(Completion::cqe);
    }

    /** {@link #writeAsync(int, long, ByteBuffer, int, boolean)} of a whole array. */
    default CompletableFuture<Cqe> writeAsync(int nsid, long slba, byte[] data, int blockSize, boolean fua) {
        return writeAsync(nsid, slba, ByteBuffer.wrap(data), blockSize, fua);
    }

    /** Blocking write. */
    default Cqe write(int nsid, long slba, byte[] data, int blockSize, boolean fua) {
        return Await.get(writeAsync(nsid, slba, ByteBuffer.wrap(data), blockSize, fua));
    }

    /** Blocking write. */
    default Cqe write(int nsid, long slba, ByteBuffer data, int blockSize, boolean fua) {
        return Await.get(writeAsync(nsid, slba, data, blockSize, fua));
    }

    /** Flush (00h): commit the volatile write cache of {@code nsid}. */
    default CompletableFuture<Cqe> flushAsync(int nsid) {
        return submitIo(CommandBuilders.flush(nsid), null, 0).thenApply(Completion::cqe);
    }

    /** Blocking {@link #flushAsync}. */
    default Cqe flush(int nsid) {
        return Await.get(flushAsync(nsid));
    }

    /** Write Zeroes (08h) of {@code nlb} blocks; {@code deallocate} sets DEAC (CDW12 bit 25). */
    default CompletableFuture<Cqe> writeZeroesAsync(int nsid, long slba, int nlb, boolean deallocate) {
        return submitIo(CommandBuilders.writeZeroes(nsid, slba, nlb, deallocate), null, 0).thenApply(Completion::cqe);
    }

    /** Blocking {@link #writeZeroesAsync}. */
    default Cqe writeZeroes(int nsid, long slba, int nlb, boolean deallocate) {
        return Await.get(writeZeroesAsync(nsid, slba, nlb, deallocate));
    }

    /** Dataset Management (09h) with AD (deallocate, CDW11 bit 2) over 1..256 ranges. */
    default CompletableFuture<Cqe> deallocateAsync(int nsid, List<DsmRange> ranges) {
        return submitIo(CommandBuilders.datasetManagement(nsid, ranges.size(), true), CommandBuilders.dsmRanges(ranges), 0)
                .thenApply(Completion::cqe);
    }

    /** Blocking {@link #deallocateAsync}. */
    default Cqe deallocate(int nsid, List<DsmRange> ranges) {
        return Await.get(deallocateAsync(nsid, ranges));
    }

    /**
     * Compare (05h) of {@code data} with the blocks at {@code slba}; NLB = {@code data.length / blockSize}. A
     * mismatch fails the future with an {@link NvmeStatusException} of status Compare Failure (SCT 2 SC 85h).
     */
    default CompletableFuture<Cqe> compareAsync(int nsid, long slba, byte[] data, int blockSize) {
        if (blockSize <= 0 || data.length == 0 || data.length % blockSize != 0) {
            throw new IllegalArgumentException(data.length + " bytes is not a whole number of " + blockSize + "-byte blocks");
        }
        return submitIo(CommandBuilders.compare(nsid, slba, data.length / blockSize), ByteBuffer.wrap(data), 0).thenApply(Completion::cqe);
    }

    /** Blocking {@link #compareAsync}. */
    default Cqe compare(int nsid, long slba, byte[] data, int blockSize) {
        return Await.get(compareAsync(nsid, slba, data, blockSize));
    }

    /** Verify (0Ch) of {@code nlb} blocks at {@code slba}: the controller reads them, no data is transferred. */
    default CompletableFuture<Cqe> verifyAsync(int nsid, long slba, int nlb) {
        return submitIo(CommandBuilders.verify(nsid, slba, nlb), null, 0).thenApply(Completion::cqe);
    }

    /** Blocking {@link #verifyAsync}. */
    default Cqe verify(int nsid, long slba, int nlb) {
        return Await.get(verifyAsync(nsid, slba, nlb));
    }

    /**
     * Reservation Register (0Dh): {@code rrega} 0 register NRKEY, 1 unregister, 2 replace CRKEY by NRKEY;
     * {@code iekey} ignores CRKEY; {@code cptpl} 0 leaves PTPL, 2 clears it, 3 sets it. Conflicts fail with
     * Reservation Conflict (SCT 0 SC 83h).
     */
    default CompletableFuture<Cqe> reservationRegisterAsync(int nsid, int rrega, boolean iekey, int cptpl, long crkey, long nrkey) {
        return submitIo(CommandBuilders.reservationRegister(nsid, rrega, iekey, cptpl), CommandBuilders.reservationKeys(crkey, nrkey), 0)
                .thenApply(Completion::cqe);
    }

    /** Blocking {@link #reservationRegisterAsync}. */
    default Cqe reservationRegister(int nsid, int rrega, boolean iekey, int cptpl, long crkey, long nrkey) {
        return Await.get(reservationRegisterAsync(nsid, rrega, iekey, cptpl, crkey, nrkey));
    }

    /** Reservation Acquire (11h): {@code racqa} 0 acquire, 1 preempt, 2 preempt and abort; {@code rtype} 1..6. */
    default CompletableFuture<Cqe> reservationAcquireAsync(int nsid, int racqa, int rtype, long crkey, long prkey) {
        return submitIo(CommandBuilders.reservationAcquire(nsid, racqa, rtype), CommandBuilders.reservationKeys(crkey, prkey), 0)
                .thenApply(Completion::cqe);
    }

    /** Blocking {@link #reservationAcquireAsync}. */
    default Cqe reservationAcquire(int nsid, int racqa, int rtype, long crkey, long prkey) {
        return Await.get(reservationAcquireAsync(nsid, racqa, rtype, crkey, prkey));
    }

    /** Reservation Release (15h): {@code rrela} 0 release (of type {@code rtype}), 1 clear. */
    default CompletableFuture<Cqe> reservationReleaseAsync(int nsid, int rrela, int rtype, long crkey) {
        return submitIo(CommandBuilders.reservationRelease(nsid, rrela, rtype), CommandBuilders.reservationKeys(crkey), 0)
                .thenApply(Completion::cqe);
    }

    /** Blocking {@link #reservationReleaseAsync}. */
    default Cqe reservationRelease(int nsid, int rrela, int rtype, long crkey) {
        return Await.get(reservationReleaseAsync(nsid, rrela, rtype, crkey));
    }

    /** Reservation Report (0Eh) with the extended data structure (EDS 1), {@code bytes} long (≥ 64, multiple of 4). */
    default CompletableFuture<ReservationStatus> reservationReportAsync(int nsid, int bytes) {
        return submitIo(CommandBuilders.reservationReport(nsid, bytes, true), null, bytes)
                .thenApply(c -> ReservationStatus.parseExtended(c.data().array()));
    }

    /** Blocking {@link #reservationReportAsync} of up to 4 KiB (63 registered controllers). */
    default ReservationStatus reservationReport(int nsid) {
        return Await.get(reservationReportAsync(nsid, 4096));
    }
}
