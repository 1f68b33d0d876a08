package io.nvmegate.client;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Status;

/**
 * The controller completed a command with a non-zero status (NVMe Base 2.0 section 4.6.1, Figure 96/97). The
 * message names the command and decodes the status with {@link Status#describe(int)}.
 */
public class NvmeStatusException extends NvmeException {
    private static final long serialVersionUID = 1L;

    private final transient Cqe cqe;
    private final int qid;
    private final int opcode;

    public NvmeStatusException(String command, int qid, int opcode, Cqe cqe) {
        super(command + " on QID " + qid + " failed: " + Status.describe(cqe.status())
                + String.format(" (CID %d, DW0 0x%08x)", cqe.cid(), cqe.dw0()));
        this.cqe = cqe;
        this.qid = qid;
        this.opcode = opcode;
    }

    /** The completion queue entry as received. */
    public Cqe cqe() { return cqe; }

    /** The 15-bit Status Field (SC bits 7:0, SCT 10:8, CRD 12:11, M bit 13, DNR bit 14), see {@link Status}. */
    public int status() { return cqe.status(); }

    /** Status Code Type (bits 10:8 of the status field). */
    public int sct() { return Status.sct(cqe.status()); }

    /** Status Code (bits 7:0 of the status field). */
    public int sc() { return Status.sc(cqe.status()); }

    /** Do Not Retry. */
    public boolean dnr() { return Status.isDnr(cqe.status()); }

    /** The queue the command ran on (0 = admin). */
    public int qid() { return qid; }

    /** The command's opcode (0x7F for Fabrics commands). */
    public int opcode() { return opcode; }
}
