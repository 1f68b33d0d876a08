package io.nvmegate.blockio;

import io.nvmegate.protocol.Status;

/**
 * The one LBA range rule of the NVM Command Set (1.0 section 3.3.3.1 for Read; the same for every command with an
 * SLBA/NLB): blocks {@code slba .. slba + nlb - 1} must lie within the namespace's NSZE, and the one definition of
 * a command's transfer length in bytes. The gateway applies them when it parses a command; the block worker
 * applies them once, at entry, to every block request it receives from the event bus (a request it did not parse
 * itself). The block stores do not check ranges against a namespace: they only refuse arguments outside their
 * own key space.
 */
public final class LbaRange {
    private LbaRange() {}

    /**
     * Largest NLB (1's based) of one Read / Write / Compare / Verify / Write Zeroes: CDW12 bits 15:0 are a 0's based
     * 16-bit count (NVM Command Set 1.0 section 3.3). Dataset Management ranges have a 32-bit NLB and are not bound
     * by it.
     */
    public static final int MAX_NLB = 1 << 16;

    /**
     * @param slba starting LBA (CDW10-11, an unsigned 64-bit value: negative here means ≥ 2^63)
     * @param nlb  number of logical blocks (1's based here, i.e. CDW12 NLB + 1; 0 for no blocks)
     * @param nsze namespace size in logical blocks
     * @return {@link Status#SUCCESS}, or LBA Out of Range | DNR (SCT 0, SC 80h)
     */
    public static int check(long slba, long nlb, long nsze) {
        return contains(slba, nlb, nsze) ? Status.SUCCESS : Status.dnr(Status.LBA_OUT_OF_RANGE);
    }

    /** @return whether {@code slba .. slba + nlb - 1} lies within {@code 0 .. nsze - 1} (overflow-safe) */
    public static boolean contains(long slba, long nlb, long nsze) {
        return slba >= 0 && nlb >= 0 && nlb <= nsze && slba <= nsze - nlb;
    }

    /**
     * @param nlb       number of logical blocks (1's based)
     * @param blockSize logical block size in bytes
     * @return the transfer length of {@code nlb} blocks in bytes (the data a Read returns and a Write, Compare or
     *         half of a Compare and Write carries)
     */
    public static long bytes(long nlb, int blockSize) {
        return nlb * blockSize;
    }
}
