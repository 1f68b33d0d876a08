package io.nvmegate.metrics;

import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;

/**
 * Label values of NVMe commands, all from bounded sets.
 *
 * <ul>
 *   <li>opcode: the command's name in snake case ({@code read}, {@code write}, {@code identify},
 *       {@code fabrics_connect}, ...), else {@code admin_0xNN} / {@code io_0xNN} (256 values per queue kind) or
 *       {@code fabrics_0xNN} (FCTYPE). Admin names on the admin queue (QID 0), NVM names on I/O queues.</li>
 *   <li>status: {@code success}, a name for the statuses nvmegate returns ({@code invalid_field},
 *       {@code lba_out_of_range}, ...), else {@code sctN_scXX} (Status Code Type, Status Code; DNR and More are
 *       ignored).</li>
 *   <li>nsid: the NSID of an I/O command as a decimal number, {@code all} for FFFFFFFFh, empty for admin and
 *       Fabrics commands and for NSID 0.</li>
 * </ul>
 */
public final class CommandLabels {
    private CommandLabels() {}

    private static final String[] ADMIN = names("admin");
    private static final String[] IO = names("io");
    private static final String[] FABRICS = new String[256];

    static {
        ADMIN[Opcodes.ADMIN_GET_LOG_PAGE] = "get_log_page";
        ADMIN[Opcodes.ADMIN_IDENTIFY] = "identify";
        ADMIN[Opcodes.ADMIN_ABORT] = "abort";
        ADMIN[Opcodes.ADMIN_SET_FEATURES] = "set_features";
        ADMIN[Opcodes.ADMIN_GET_FEATURES] = "get_features";
        ADMIN[Opcodes.ADMIN_ASYNC_EVENT_REQUEST] = "async_event_request";
        ADMIN[Opcodes.ADMIN_KEEP_ALIVE] = "keep_alive";
        IO[Opcodes.IO_FLUSH] = "flush";
        IO[Opcodes.IO_WRITE] = "write";
        IO[Opcodes.IO_READ] = "read";
        IO[Opcodes.IO_COMPARE] = "compare";
        IO[Opcodes.IO_WRITE_ZEROES] = "write_zeroes";
        IO[Opcodes.IO_DATASET_MANAGEMENT] = "dataset_management";
        IO[Opcodes.IO_VERIFY] = "verify";
        for (int i = 0; i < 256; i++) FABRICS[i] = String.format("fabrics_0x%02x", i);
        FABRICS[Opcodes.FCTYPE_PROPERTY_SET] = "fabrics_property_set";
        FABRICS[Opcodes.FCTYPE_CONNECT] = "fabrics_connect";
        FABRICS[Opcodes.FCTYPE_PROPERTY_GET] = "fabrics_property_get";
        FABRICS[Opcodes.FCTYPE_AUTH_SEND] = "fabrics_auth_send";
        FABRICS[Opcodes.FCTYPE_AUTH_RECEIVE] = "fabrics_auth_receive";
        FABRICS[Opcodes.FCTYPE_DISCONNECT] = "fabrics_disconnect";
    }

    private static String[] names(String prefix) {
        String[] n = new String[256];
        for (int i = 0; i < 256; i++) n[i] = String.format("%s_0x%02x", prefix, i);
        return n;
    }

    /** @return the opcode label of a command with {@code opcode} (and {@code fctype} for Fabrics) on queue {@code qid} */
    public static String opcode(int qid, int opcode, int fctype) {
        if (opcode == Opcodes.FABRICS) return FABRICS[fctype & 0xFF];
        return qid == 0 ? ADMIN[opcode & 0xFF] : IO[opcode & 0xFF];
    }

    /** @return the status label of completion status field {@code sf} (15-bit, without the phase tag) */
    public static String status(int sf) {
        int v = sf & 0x7FF;
        switch (v) {
            case Status.SUCCESS: return "success";
            case Status.INVALID_OPCODE: return "invalid_opcode";
            case Status.INVALID_FIELD: return "invalid_field";
            case Status.DATA_TRANSFER_ERROR: return "data_transfer_error";
            case Status.INTERNAL_ERROR: return "internal_error";
            case Status.ABORT_REQUESTED: return "abort_requested";
            case Status.ABORT_SQ_DELETION: return "abort_sq_deletion";
            case Status.INVALID_NAMESPACE: return "invalid_namespace";
            case Status.COMMAND_SEQUENCE_ERROR: return "command_sequence_error";
            case Status.SGL_DATA_LENGTH_INVALID: return "sgl_data_length_invalid";
            case Status.SGL_INVALID_DESCRIPTOR_TYPE: return "sgl_invalid_descriptor_type";
            case Status.SGL_OFFSET_INVALID: return "sgl_offset_invalid";
            case Status.LBA_OUT_OF_RANGE: return "lba_out_of_range";
            case Status.NAMESPACE_NOT_READY: return "namespace_not_ready";
            default:
                if (v == Status.AER_LIMIT_EXCEEDED) return "aer_limit_exceeded";
                if (v == Status.CONNECT_INVALID_PARAMETERS) return "connect_invalid_parameters";
                if (v == Status.CONNECT_INVALID_HOST) return "connect_invalid_host";
                if (v == Status.CONNECT_CONTROLLER_BUSY) return "connect_controller_busy";
                return String.format("sct%d_sc%02x", Status.sct(v), Status.sc(v));
        }
    }

    /** @return the nsid label of an I/O command (QID ≥ 1), empty for others */
    public static String nsid(int qid, int opcode, int nsid, LabelLimiter limiter) {
        if (qid == 0 || opcode == Opcodes.FABRICS || nsid == 0) return "";
        if (nsid == 0xFFFFFFFF) return "all";
        return limiter.limit(Integer.toUnsignedString(nsid));
    }
}
