package io.nvmegate.protocol;

/**
 * A fatal NVMe/TCP transport error. The receiver answers with a TermReq PDU carrying {@link #fes} and
 * {@link #fei} and closes the connection (NVMe/TCP 1.0 section 3.6.2.4, H2CTermReq / C2HTermReq).
 */
public class PduException extends Exception {
    private static final long serialVersionUID = 1L;

    /** FES 1: invalid PDU header field; FEI is the byte offset of the bad field. */
    public static final int FES_INVALID_HEADER_FIELD = 1;
    /** FES 2: PDU sequence error (e.g. a PDU before ICReq, an unexpected PDU type). */
    public static final int FES_PDU_SEQUENCE_ERROR = 2;
    /** FES 3: header digest error. */
    public static final int FES_HEADER_DIGEST_ERROR = 3;
    /** FES 4: data transfer out of range (DATAO/DATAL outside the command's transfer). */
    public static final int FES_DATA_OUT_OF_RANGE = 4;
    /** FES 5: R2T limit exceeded / data transfer limit exceeded. */
    public static final int FES_DATA_LIMIT_EXCEEDED = 5;
    /** FES 6: unsupported parameter (e.g. PFV != 0); FEI is the byte offset. */
    public static final int FES_UNSUPPORTED_PARAMETER = 6;

    /** Fatal Error Status. */
    public final int fes;
    /** Fatal Error Information (meaning depends on FES; usually a byte offset into the header). */
    public final int fei;

    public PduException(int fes, int fei, String message) {
        super(message);
        this.fes = fes;
        this.fei = fei;
    }
}
