package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;

/**
 * A block worker's answer to a {@link BlockRequest}; the statuses it may carry and what the gateway does with them
 * are listed in {@code package-info}.
 *
 * @param status NVMe status field as {@link io.nvmegate.protocol.Status} encodes it (SC bits 7:0, SCT bits 10:8,
 *               DNR bit 14); 0 on success
 * @param data   READ data ({@code nlb * blockSize} bytes), the Reservation Report, or the PTPL byte of a
 *               Reservation Persistence Get; else {@code null}
 */
public record BlockReply(int status, Buffer data) {
    public static final BlockReply OK = new BlockReply(0, null);

    /** @return a reply with {@code status} and no data */
    public static BlockReply status(int status) {
        return status == 0 ? OK : new BlockReply(status, null);
    }
}
