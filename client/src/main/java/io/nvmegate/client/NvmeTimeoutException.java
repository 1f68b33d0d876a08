package io.nvmegate.client;

/**
 * A command did not complete within its timeout ({@link ConnectOptions#commandTimeoutMs()}, or
 * {@link ConnectOptions#connectTimeoutMs()} during connection setup). The connection stays up; the command's CID
 * stays reserved until the controller does answer, so a late completion cannot be mistaken for a later command's.
 */
public class NvmeTimeoutException extends NvmeException {
    private static final long serialVersionUID = 1L;

    public NvmeTimeoutException(String message) {
        super(message);
    }
}
