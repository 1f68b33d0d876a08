package io.nvmegate.blockio;

/** Operations a block worker performs for the gateway (see {@link BlockRequest}). */
public enum BlockOp {
    /** Read {@code nlb} blocks at {@code slba}; the reply carries {@code nlb * blockSize} bytes. */
    READ,
    /** Write {@code data} ({@code nlb * blockSize} bytes) at {@code slba}; durable before the reply if FUA. */
    WRITE,
    /** Make every acknowledged write durable (RocksDB WAL synced) before the reply. */
    FLUSH,
    /** Blocks [slba, slba+nlb) read as zeroes afterwards (the stored blocks are deleted). */
    WRITE_ZEROES,
    /** Deallocate the ranges in {@code ranges}; they read as zeroes afterwards. */
    DEALLOCATE,
    /**
     * Compare blocks [slba, slba+nlb) with {@code data} ({@code nlb * blockSize} bytes); status
     * {@code Status.COMPARE_FAILURE} on a mismatch (NVM Command Set 1.0 section 3.2.1).
     */
    COMPARE,
    /** Read blocks [slba, slba+nlb) and discard them: success if they are readable (NVM Command Set 1.0 section 3.3.5). */
    VERIFY,
    /**
     * Fused Compare and Write (NVMe Base 2.0 section 3.4.2), atomic with respect to every other write of the
     * namespace: {@code data} is the compare data followed by the write data ({@code 2 * nlb * blockSize} bytes);
     * the write happens only if the compare matched, else status {@code Status.COMPARE_FAILURE}.
     */
    COMPARE_AND_WRITE,
    /**
     * Reservation Register (NVMe Base 2.0 section 7.3): CDW10 in {@code slba}, CRKEY/NRKEY in {@code data} (16
     * bytes, little-endian). See {@link BlockRequest#reservation}; status per
     * {@link io.nvmegate.worker.reservation.ReservationEngine#register}.
     */
    RESERVATION_REGISTER,
    /** Reservation Acquire (section 7.2): CDW10 in {@code slba}, CRKEY/PRKEY in {@code data} (16 bytes). */
    RESERVATION_ACQUIRE,
    /** Reservation Release (section 7.4): CDW10 in {@code slba}, CRKEY in {@code data} (8 bytes). */
    RESERVATION_RELEASE,
    /** Reservation Report (section 7.5): CDW10 (NUMD) in {@code slba}, CDW11 (EDS) in {@code nlb}; reply data = report. */
    RESERVATION_REPORT,
    /**
     * Reservation Persistence (feature 83h): {@code data} null → Get (reply data 1 byte, PTPL in bit 0); 1 byte →
     * Set PTPL to its bit 0.
     */
    RESERVATION_PERSISTENCE,
    /** Controller {@code cntlid} of {@code host} went away: it is no longer reported for the host's registration. */
    CONTROLLER_GONE
}
