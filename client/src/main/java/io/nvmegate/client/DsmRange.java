package io.nvmegate.client;

/**
 * One Dataset Management range (NVMe NVM Command Set 1.0 section 3.2.3, Figure 39): 16 bytes on the wire,
 * Context Attributes le32 @0, NLB le32 @4 (number of logical blocks, 1-based), SLBA le64 @8.
 *
 * @param slba              starting LBA
 * @param nlb               number of logical blocks (1-based, unsigned 32-bit)
 * @param contextAttributes context attributes (0 when deallocating)
 */
public record DsmRange(long slba, int nlb, int contextAttributes) {
    public DsmRange(long slba, int nlb) {
        this(slba, nlb, 0);
    }
}
