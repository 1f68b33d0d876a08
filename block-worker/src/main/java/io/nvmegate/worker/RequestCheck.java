package io.nvmegate.worker;

import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.worker.check.BlockRequestCheck;

/**
 * The worker's entry to the one validation of a block request, {@link BlockRequestCheck} (statuses listed there),
 * which lives in its own package so the replicated state machine can use it without a package cycle.
 */
final class RequestCheck {
    private RequestCheck() {}

    /** @return {@code Status.SUCCESS}, or the status to reply without going further ({@link BlockRequestCheck#check}) */
    static int check(NamespaceSpec ns, BlockRequest r) {
        return BlockRequestCheck.check(ns, r);
    }
}
