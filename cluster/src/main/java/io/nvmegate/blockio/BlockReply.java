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
 * @param leader replicated namespaces only: on a {@link io.nvmegate.protocol.Status#NAMESPACE_NOT_READY} reply
 *               from a replica that is not the Raft leader, the worker ID of the leader it knows of (the sender
 *               should resend there), or {@code null} when it knows none (an election is running); else
 *               {@code null}
 */
public record BlockReply(int status, Buffer data, String leader) {
    public static final BlockReply OK = new BlockReply(0, null);

    /** A reply without leader hint. */
    public BlockReply(int status, Buffer data) {
        this(status, data, null);
    }

    /**
     * A replica's answer that it is not the leader: Namespace Not Ready with the worker ID of the leader it
     * knows of ({@code null}: none known).
     */
    public static BlockReply notLeader(String leader) {
        return new BlockReply(io.nvmegate.protocol.Status.NAMESPACE_NOT_READY, null, leader);
    }

    /** @return whether this is a redirect: {@link #notLeader} (Namespace Not Ready and a leader hint) */
    public boolean redirect() {
        return status == io.nvmegate.protocol.Status.NAMESPACE_NOT_READY && leader != null;
    }

    /** @return a reply with {@code status} and no data */
    public static BlockReply status(int status) {
        return status == 0 ? OK : new BlockReply(status, null);
    }
}
