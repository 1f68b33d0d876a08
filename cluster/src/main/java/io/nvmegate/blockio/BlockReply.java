package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;

/**
 * A block worker's answer to a {@link BlockRequest}.
 *
 * @param status NVMe status field (see {@link io.nvmegate.protocol.Status}); 0 on success. Storage failures are
 *               {@code Status.INTERNAL_ERROR}, an unknown namespace {@code Status.NAMESPACE_NOT_READY}
 * @param data   READ data ({@code nlb * blockSize} bytes), else {@code null}
 */
public record BlockReply(int status, Buffer data) {
    public static final BlockReply OK = new BlockReply(0, null);
}
