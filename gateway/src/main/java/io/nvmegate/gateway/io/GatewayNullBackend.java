package io.nvmegate.gateway.io;

import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.ZeroBlocks;

/**
 * Backend {@value #NAME}: a benchmark/diagnostic backend answered by the gateway itself, on the queue's event
 * loop, without the event bus or a block worker — the floor of the cost breakdown
 * ({@code bench/cost-breakdown.sh}). Keeps nothing: reads (and Verify) return zeroes, writes, Write Zeroes,
 * deallocate and flush succeed and are discarded; Compare (also fused) succeeds only against all-zero data
 * (else Compare Failure, NVM Command Set 1.0 section 3.2.1), like the worker's {@code null} backend.
 * The gateway has checked ranges and lengths before this is called.
 */
public final class GatewayNullBackend {
    /** The catalog's {@code backend} value. */
    public static final String NAME = io.nvmegate.catalog.NamespaceSpec.NULL_GATEWAY;

    private GatewayNullBackend() {}

    /** @return the reply a block worker with a null store would give to {@code r} */
    public static BlockReply answer(BlockRequest r) {
        switch (r.op()) {
            case READ:
                return new BlockReply(Status.SUCCESS, ZeroBlocks.of(r.nlb() * r.blockSize()));
            case COMPARE:
            case COMPARE_AND_WRITE:
                int n = r.nlb() * r.blockSize();
                for (int i = 0; i < n; i++) {
                    if (r.data().getByte(i) != 0) return new BlockReply(Status.COMPARE_FAILURE, null);
                }
                return BlockReply.OK;
            default:
                return BlockReply.OK;
        }
    }
}
