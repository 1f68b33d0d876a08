package io.nvmegate.protocol;

/**
 * NVMe completion status: the 15-bit Status Field (SF) of CQE DW3 bits 31:17 (NVMe Base 2.0, Figure 96/97).
 *
 * <p>Encoding used throughout nvmegate (identical to the Linux host's {@code le16_to_cpu(cqe->status) >> 1}):
 * SC bits 7:0, SCT bits 10:8, CRD bits 12:11, M bit 13, DNR bit 14. The CQE status word is {@code SF << 1 | P}.
 */
public final class Status {
    private Status() {}

    public static final int SCT_GENERIC = 0;
    public static final int SCT_COMMAND_SPECIFIC = 1;
    public static final int SCT_MEDIA = 2;
    public static final int SCT_PATH = 3;

    public static final int DNR = 1 << 14;
    public static final int MORE = 1 << 13;

    public static final int SUCCESS = 0;
    // Generic command status (SCT 0), NVMe Base 2.0 Figure 100.
    public static final int INVALID_OPCODE = 0x01;
    public static final int INVALID_FIELD = 0x02;
    public static final int COMMAND_ID_CONFLICT = 0x03;
    public static final int DATA_TRANSFER_ERROR = 0x04;
    public static final int INTERNAL_ERROR = 0x06;
    public static final int ABORT_REQUESTED = 0x07;
    public static final int ABORT_SQ_DELETION = 0x08;
    /** The other command of a fused operation failed (NVMe Base 2.0 section 3.4.2). */
    public static final int ABORTED_FAILED_FUSED = 0x09;
    /** The other command of a fused operation is missing (not the adjacent SQ entry). */
    public static final int ABORTED_MISSING_FUSED = 0x0A;
    public static final int INVALID_NAMESPACE = 0x0B;
    public static final int COMMAND_SEQUENCE_ERROR = 0x0C;
    public static final int SGL_INVALID_DESCRIPTOR_TYPE = 0x11;
    public static final int SGL_DATA_LENGTH_INVALID = 0x0F;
    public static final int SGL_OFFSET_INVALID = 0x16;
    /** A transport error the host may retry, e.g. a data digest mismatch (NVMe/TCP 1.0 section 3.6.3.1). */
    public static final int TRANSIENT_TRANSPORT_ERROR = 0x22;
    public static final int LBA_OUT_OF_RANGE = 0x80;
    public static final int CAPACITY_EXCEEDED = 0x81;
    public static final int NAMESPACE_NOT_READY = 0x82;
    /** The command was aborted by a reservation on the namespace (NVMe Base 2.0 Figure 100, section 8.19). */
    public static final int RESERVATION_CONFLICT = 0x83;
    /** Reservation Report with EDS 0 while host identifiers are 128-bit (NVMe Base 2.0 Figure 100, section 7.6). */
    public static final int HOST_ID_INCONSISTENT_FORMAT = 0x18;
    // Command specific (SCT 1), NVMe Base 2.0 Figure 101 and NVMe-oF 1.1 Figure 21 (Connect).
    public static final int INVALID_QUEUE_IDENTIFIER = sct(SCT_COMMAND_SPECIFIC, 0x01);
    public static final int AER_LIMIT_EXCEEDED = sct(SCT_COMMAND_SPECIFIC, 0x05);
    public static final int FEATURE_NOT_SAVEABLE = sct(SCT_COMMAND_SPECIFIC, 0x0D);
    public static final int FEATURE_NOT_CHANGEABLE = sct(SCT_COMMAND_SPECIFIC, 0x0E);
    public static final int INVALID_LOG_PAGE = sct(SCT_COMMAND_SPECIFIC, 0x09);
    public static final int FEATURE_NOT_NAMESPACE_SPECIFIC = sct(SCT_COMMAND_SPECIFIC, 0x0F);
    public static final int CONNECT_INCOMPATIBLE_FORMAT = sct(SCT_COMMAND_SPECIFIC, 0x80);
    public static final int CONNECT_CONTROLLER_BUSY = sct(SCT_COMMAND_SPECIFIC, 0x81);
    public static final int CONNECT_INVALID_PARAMETERS = sct(SCT_COMMAND_SPECIFIC, 0x82);
    public static final int CONNECT_RESTART_DISCOVERY = sct(SCT_COMMAND_SPECIFIC, 0x83);
    public static final int CONNECT_INVALID_HOST = sct(SCT_COMMAND_SPECIFIC, 0x84);
    /**
     * Authentication Required (SCT 1, SC 91h; NVMe Base 2.x Figure 101, Linux {@code NVME_SC_AUTH_REQUIRED}): a
     * command other than a Fabrics command on a queue whose host has not completed DH-HMAC-CHAP. nvmet returns it
     * with DNR ({@code nvmet_parse_admin_cmd}/{@code nvmet_parse_io_cmd}).
     */
    public static final int AUTHENTICATION_REQUIRED = sct(SCT_COMMAND_SPECIFIC, 0x91);
    // Media and data integrity errors (SCT 2), NVMe Base 2.0 Figure 102.
    /** Compare command: the data did not match (NVM Command Set 1.0 section 3.2.1). */
    public static final int COMPARE_FAILURE = sct(SCT_MEDIA, 0x85);
    // Path related status (SCT 3), NVMe Base 2.0 Figure 103.
    /**
     * Internal Path Error (SCT 3h, SC 00h): a command on a queue of a controller that is being torn down (e.g. after
     * its gateway's lease lapsed). A path status: the Linux host retries it on another path
     * ({@code nvme_is_path_error}) instead of failing it to the filesystem.
     */
    public static final int INTERNAL_PATH_ERROR = sct(SCT_PATH, 0x00);
    public static final int ANA_PERSISTENT_LOSS = sct(SCT_PATH, 0x01);
    public static final int ANA_INACCESSIBLE = sct(SCT_PATH, 0x02);
    public static final int ANA_TRANSITION = sct(SCT_PATH, 0x03);

    /** @return a status field value with the given type and code. */
    public static int sct(int sct, int sc) {
        return (sct & 7) << 8 | (sc & 0xFF);
    }

    /** @return {@code sf} with Do Not Retry set. */
    public static int dnr(int sf) {
        return sf | DNR;
    }

    public static int sc(int sf) { return sf & 0xFF; }

    public static int sct(int sf) { return (sf >> 8) & 7; }

    public static boolean isDnr(int sf) { return (sf & DNR) != 0; }

    /** @return e.g. "SCT 0 SC 0x02 (Invalid Field) DNR". */
    public static String describe(int sf) {
        StringBuilder b = new StringBuilder();
        b.append("SCT ").append(sct(sf)).append(" SC 0x").append(String.format("%02x", sc(sf)));
        String name = name(sf & 0x7FF);
        if (name != null) b.append(" (").append(name).append(')');
        if (isDnr(sf)) b.append(" DNR");
        return b.toString();
    }

    private static String name(int v) {
        switch (v) {
            case SUCCESS: return "Success";
            case INVALID_OPCODE: return "Invalid Command Opcode";
            case INVALID_FIELD: return "Invalid Field in Command";
            case COMMAND_ID_CONFLICT: return "Command ID Conflict";
            case DATA_TRANSFER_ERROR: return "Data Transfer Error";
            case INTERNAL_ERROR: return "Internal Error";
            case INVALID_NAMESPACE: return "Invalid Namespace or Format";
            case COMMAND_SEQUENCE_ERROR: return "Command Sequence Error";
            case LBA_OUT_OF_RANGE: return "LBA Out of Range";
            case NAMESPACE_NOT_READY: return "Namespace Not Ready";
            case RESERVATION_CONFLICT: return "Reservation Conflict";
            case HOST_ID_INCONSISTENT_FORMAT: return "Host Identifier Inconsistent Format";
            case ABORT_REQUESTED: return "Command Abort Requested";
            case ABORT_SQ_DELETION: return "Command Aborted due to SQ Deletion";
            case ABORTED_FAILED_FUSED: return "Command Aborted due to Failed Fused Command";
            case ABORTED_MISSING_FUSED: return "Command Aborted due to Missing Fused Command";
            case TRANSIENT_TRANSPORT_ERROR: return "Transient Transport Error";
            case 0x200 | 0x85: return "Compare Failure";
            case 0x105: return "Asynchronous Event Request Limit Exceeded";
            case 0x100 | 0x82: return "Connect Invalid Parameters";
            case 0x100 | 0x84: return "Connect Invalid Host";
            case 0x100 | 0x91: return "Authentication Required";
            default: return null;
        }
    }
}
