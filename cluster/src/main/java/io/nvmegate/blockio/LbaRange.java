package io.nvmegate.blockio;

import io.nvmegate.protocol.Status;

/**
 * The one LBA range rule of the NVM Command Set (1.0 section 3.3.3.1 for Read; the same for every command with an
 * SLBA/NLB): blocks {@code slba .. slba + nlb - 1} must lie within the namespace's NSZE. The gateway applies it when
 * it parses a command; the block worker applies the same rule again to every block request it receives from the
 * event bus (a request it did not parse itself).
 */
public final class LbaRange {
    private LbaRange() {}

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
}
