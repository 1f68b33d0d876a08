package io.nvmegate.admin;

import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.StatusException;
import io.nvmegate.protocol.Sqe;

/**
 * The fields of a Get Log Page command (NVMe Base 2.0 section 5.16, Figures 197-199), decoded once: CDW10 LID 7:0,
 * LSP 14:8, RAE bit 15, NUMDL 31:16; CDW11 NUMDU 15:0; CDW12/13 LPO (bytes, must be dword aligned: else Invalid
 * Field | DNR at LPOL).
 *
 * @param lid   log page identifier
 * @param lsp   log specific field
 * @param rae   Retain Asynchronous Event: when false, reading the page unmasks its asynchronous events (and
 *              clears logs such as the Changed Namespace List)
 * @param numd  number of dwords to return, 1-based (NUMDU:NUMDL + 1)
 * @param lpo   log page offset in bytes, unsigned (CDW13:CDW12; compare with {@link Long#compareUnsigned})
 */
public record LogPageRequest(int lid, int lsp, boolean rae, long numd, long lpo) {
    /** Location of LID (CDW10 bits 7:0), the field at fault for an unsupported log page. */
    public static final int LOC_LID = ErrorLocation.cdw(10, 0);
    /** Location of LPOL (CDW12). */
    public static final int LOC_LPO = ErrorLocation.cdw(12, 0);

    public static LogPageRequest parse(Sqe sqe) throws StatusException {
        int cdw10 = sqe.cdw(10);
        long numd = ((long) (sqe.cdw(11) & 0xFFFF) << 16 | (cdw10 >>> 16)) + 1;
        long lpo = Integer.toUnsignedLong(sqe.cdw(12)) | (long) sqe.cdw(13) << 32;
        if ((lpo & 3) != 0) throw StatusException.invalidField(LOC_LPO);
        return new LogPageRequest(cdw10 & 0xFF, (cdw10 >> 8) & 0x7F, (cdw10 & 1 << 15) != 0, numd, lpo);
    }

    /** @return NUMD in bytes */
    public long bytes() {
        return numd * 4;
    }
}
