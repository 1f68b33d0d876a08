package io.nvmegate.client;

/**
 * The NVMe/TCP connection of a queue failed: it was closed, a read or write failed, the controller sent a
 * C2HTermReq, or it sent a PDU this host rejects (NVMe/TCP 1.0 section 3.6.2.4 and 3.5). The queue is closed and
 * every command outstanding on it fails with this exception.
 *
 * <p>{@link #fes()} / {@link #fei()} carry the Fatal Error Status and Information of the C2HTermReq received, or
 * of the H2CTermReq this host sent; both are -1 when no TermReq was involved (e.g. the socket closed).
 */
public class NvmeTransportException extends NvmeException {
    private static final long serialVersionUID = 1L;

    private final int fes;
    private final int fei;
    private final boolean fromController;

    public NvmeTransportException(String message, Throwable cause) {
        this(message, -1, -1, false, cause);
    }

    public NvmeTransportException(String message, int fes, int fei, boolean fromController, Throwable cause) {
        super(message, cause);
        this.fes = fes;
        this.fei = fei;
        this.fromController = fromController;
    }

    /** Fatal Error Status (1 invalid header field, 2 PDU sequence error, 3 header digest error, 4 data out of range, 5 data limit exceeded, 6 unsupported parameter), or -1. */
    public int fes() { return fes; }

    /** Fatal Error Information (usually the byte offset of the offending header field), or -1. */
    public int fei() { return fei; }

    /** True if the controller ended the connection with a C2HTermReq. */
    public boolean terminatedByController() { return fromController; }
}
