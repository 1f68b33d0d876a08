package io.nvmegate.protocol.auth;

/**
 * A DH-HMAC-CHAP transaction cannot go on: a message that does not decode, is not the expected one, or a response
 * that does not verify. {@link #reason()} is the {@code rescode_exp} to put in the AUTH_Failure1 (controller) or
 * AUTH_Failure2 (host) message. Messages never contain key material.
 */
public class DhchapException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DhchapFailureReason reason;
    private final boolean reportedByPeer;

    /** A failure found locally: the caller sends a Failure message with {@code reason}. */
    public DhchapException(DhchapFailureReason reason, String message) {
        this(reason, message, false);
    }

    /**
     * @param reportedByPeer true when the peer sent the Failure message (nothing more to send)
     */
    public DhchapException(DhchapFailureReason reason, String message, boolean reportedByPeer) {
        super(reason + ": " + message);
        this.reason = reason;
        this.reportedByPeer = reportedByPeer;
    }

    /** @return the reason code explanation of the failure */
    public DhchapFailureReason reason() {
        return reason;
    }

    /** @return true when the peer reported this failure in an AUTH_Failure1/AUTH_Failure2 message */
    public boolean reportedByPeer() {
        return reportedByPeer;
    }
}
