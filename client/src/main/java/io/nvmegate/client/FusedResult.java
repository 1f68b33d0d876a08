package io.nvmegate.client;

import io.nvmegate.protocol.Cqe;

/**
 * The two completions of a fused Compare and Write (NVMe Base 2.0 section 3.4.2). On success both are
 * successful; on a mismatch the compare carries Compare Failure (SCT 2 SC 85h) and the write Command Aborted due
 * to Failed Fused Command (SC 09h).
 */
public record FusedResult(Cqe compare, Cqe write) {
    /** True when both commands succeeded (the write was done). */
    public boolean written() { return compare.success() && write.success(); }
}
