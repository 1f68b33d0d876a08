package io.nvmegate.fabrics;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerRegisters;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;

/**
 * Fabrics Property Get/Set (NVMe-oF 1.1 sections 3.4 and 3.5; nvmet fabrics-cmd.c): the host's access to the
 * controller properties ({@link ControllerRegisters}: CAP, VS, CC, CSTS). SQE: ATTRIB u8 @40 (bits 2:0: 0 = 4
 * bytes, 1 = 8 bytes), OFST le32 @44, VALUE le64 @48 (Set). Get returns the value in CQE DW0 (and DW1 for 8
 * bytes). An unknown offset (Set: any but CC) → Invalid Field | DNR at OFST; on an I/O queue → Invalid Field | DNR
 * at FCTYPE (properties are reached through the admin queue only).
 */
final class Properties {
    private Properties() {}

    static final int LOC_OFST = ErrorLocation.at(44, 0);

    static void execute(Controller c, NvmeRequest r) throws StatusException {
        if (r.qid() != 0) throw StatusException.invalidField(ErrorLocation.FCTYPE);
        ControllerRegisters regs = c.registers();
        int ofst = r.sqe().u32(44);
        if (r.sqe().fctype() == Opcodes.FCTYPE_PROPERTY_SET) {
            if (ofst != ControllerRegisters.CC) throw StatusException.invalidField(LOC_OFST);
            regs.writeCc((int) r.sqe().u64(48));
            r.complete(Status.SUCCESS);
            return;
        }
        long v;
        switch (ofst) {
            case ControllerRegisters.CAP: v = regs.cap(); break;
            case ControllerRegisters.VS: v = ControllerRegisters.VERSION; break;
            case ControllerRegisters.CC: v = regs.cc(); break;
            case ControllerRegisters.CSTS: v = regs.csts(); break;
            default: throw StatusException.invalidField(LOC_OFST);
        }
        r.complete(Status.SUCCESS, (int) v, (int) (v >>> 32));
    }
}
