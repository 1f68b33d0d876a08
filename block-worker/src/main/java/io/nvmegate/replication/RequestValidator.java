package io.nvmegate.replication;

import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;

/**
 * The worker's one entry validation of a block request (the block worker passes its {@code RequestCheck}), run by
 * {@link ReplicaHandler} before a request is submitted, so that bad input never enters the Raft log.
 */
@FunctionalInterface
public interface RequestValidator {
    /** @return {@code Status.SUCCESS} (0), or the NVMe status to reply without going further */
    int check(NamespaceSpec ns, BlockRequest r);
}
