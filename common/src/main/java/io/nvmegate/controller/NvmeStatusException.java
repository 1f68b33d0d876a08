package io.nvmegate.controller;

import io.nvmegate.protocol.Status;

/** A command fails with NVMe status {@link #status} (status field encoding of {@link Status}). */
public final class NvmeStatusException extends Exception {
    private static final long serialVersionUID = 1L;
    public final int status;

    public NvmeStatusException(int status) {
        super(Status.describe(status), null, false, false);
        this.status = status;
    }
}
