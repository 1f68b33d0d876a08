package io.nvmegate.client;

/**
 * Base class of every error the host library reports: a failed command ({@link NvmeStatusException}), a dead or
 * misbehaving transport connection ({@link NvmeTransportException}) or a command that did not complete in time
 * ({@link NvmeTimeoutException}). Unchecked, so blocking calls stay pleasant to use; asynchronous calls complete
 * their future exceptionally with one of these.
 */
public class NvmeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NvmeException(String message) {
        super(message);
    }

    public NvmeException(String message, Throwable cause) {
        super(message, cause);
    }
}
