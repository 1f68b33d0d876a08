package io.nvmegate.controller;

import io.nvmegate.protocol.Status;

/**
 * A command fails with NVMe status {@link #status} (status field encoding of {@link Status}, DNR included as
 * given) at Parameter Error Location {@link #location} ({@link ErrorLocation}). Thrown by a command's parse or
 * execute step; the request lifecycle ({@link NvmeRequest#execute}) completes the command with it. (The host
 * library's {@code io.nvmegate.client.NvmeStatusException} is the host-side counterpart.)
 */
public final class StatusException extends Exception {
    private static final long serialVersionUID = 1L;
    public final int status;
    public final int location;

    /** @param status the status as returned (add DNR with {@link Status#dnr} where it applies) */
    public StatusException(int status, int location) {
        super(Status.describe(status) + " at " + ErrorLocation.describe(location), null, false, false);
        this.status = status;
        this.location = location;
    }

    /** A status with no specific SQE field at fault (location FFFFh). */
    public StatusException(int status) {
        this(status, ErrorLocation.NONE);
    }

    /** @return {@code status} with Do Not Retry, at {@code location} */
    public static StatusException dnr(int status, int location) {
        return new StatusException(Status.dnr(status), location);
    }

    /** Invalid Field in Command | DNR at {@code location}. */
    public static StatusException invalidField(int location) {
        return dnr(Status.INVALID_FIELD, location);
    }
}
