package io.nvmegate.blockio;

/**
 * Operations a block worker performs for the gateway (see {@link BlockRequest} for the fields each one uses and
 * {@code package-info} for the whole contract). The ordinal is the op byte of the wire form
 * ({@link BlockCodecs}): append new operations at the end.
 */
public enum BlockOp {
    /** Read {@code nlb} blocks at {@code slba}; the reply carries {@code nlb * blockSize} bytes. */
    READ(false),
    /** Write {@code data} ({@code nlb * blockSize} bytes) at {@code slba}; durable before the reply if FUA. */
    WRITE(false),
    /** Make every acknowledged write durable (RocksDB WAL synced) before the reply. */
    FLUSH(false),
    /** Blocks [slba, slba+nlb) read as zeroes afterwards (the stored blocks are deleted). */
    WRITE_ZEROES(false),
    /** Deallocate the ranges in {@code ranges}; they read as zeroes afterwards. */
    DEALLOCATE(false),
    /**
     * Compare blocks [slba, slba+nlb) with {@code data} ({@code nlb * blockSize} bytes); status
     * {@code Status.COMPARE_FAILURE} on a mismatch (NVM Command Set 1.0 section 3.2.1).
     */
    COMPARE(false),
    /** Read blocks [slba, slba+nlb) and discard them: success if they are readable (NVM Command Set 1.0 section 3.3.5). */
    VERIFY(false),
    /**
     * Fused Compare and Write (NVMe Base 2.0 section 3.4.2), atomic with respect to every other write of the
     * namespace: {@code data} is the compare data followed by the write data ({@code 2 * nlb * blockSize} bytes);
     * the write happens only if the compare matched, else status {@code Status.COMPARE_FAILURE}.
     */
    COMPARE_AND_WRITE(false),
    /**
     * Reservation Register (NVMe Base 2.0 section 7.3): the command's CDW10 in {@link BlockRequest#cdw10()},
     * CRKEY le64 @0 and NRKEY le64 @8 in {@code data} (16 bytes).
     */
    RESERVATION_REGISTER(true),
    /** Reservation Acquire (section 7.2): CDW10 in {@code cdw10}; CRKEY le64 @0, PRKEY le64 @8 in {@code data} (16 bytes). */
    RESERVATION_ACQUIRE(true),
    /** Reservation Release (section 7.4): CDW10 in {@code cdw10}; CRKEY le64 @0 in {@code data} (8 bytes). */
    RESERVATION_RELEASE(true),
    /**
     * Reservation Report (section 7.5): CDW10 (NUMD, 0's based dwords) in {@code cdw10}, CDW11 (bit 0 EDS) in
     * {@code cdw11}, no data; the reply data is the report, {@code (NUMD + 1) * 4} bytes at most.
     */
    RESERVATION_REPORT(true),
    /**
     * Reservation Persistence (Get / Set Features, feature 83h): {@code data} null → Get (reply data
     * 1 byte, PTPL in bit 0); 1 byte → Set PTPL to its bit 0.
     */
    RESERVATION_PERSISTENCE(true),
    /**
     * Controller {@code cntlid} of {@code host} went away: it is no longer reported for the host's registration.
     * Sent without waiting for a reply.
     */
    CONTROLLER_GONE(true);

    private final boolean reservation;

    BlockOp(boolean reservation) {
        this.reservation = reservation;
    }

    /**
     * @return whether the op acts on the namespace's reservation state (the {@code RESERVATION_*} commands and
     *         {@code CONTROLLER_GONE}) rather than on its blocks
     */
    public boolean reservation() { return reservation; }
}
