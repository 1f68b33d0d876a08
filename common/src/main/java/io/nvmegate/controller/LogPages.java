package io.nvmegate.controller;

import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

/**
 * Get Log Page framing (NVMe Base 2.0 section 5.16): CDW10 LID 7:0, LSP 14:8, RAE 15, NUMDL 31:16; CDW11
 * NUMDU 15:0; CDW12/13 LPO (bytes, dword aligned). Returns bytes [LPO, LPO + (NUMD + 1) × 4) of the page the
 * command set builds, zero-filled past its end (as nvmet). LPO not a multiple of 4 → Invalid Field | DNR; an
 * unknown LID → Invalid Field | DNR. RAE = 0 unmasks the log's asynchronous events.
 */
final class LogPages {
    private LogPages() {}

    static void execute(Controller c, NvmeRequest r) throws NvmeStatusException {
        int cdw10 = r.sqe().cdw(10);
        int lid = cdw10 & 0xFF;
        int lsp = (cdw10 >> 8) & 0x7F;
        boolean rae = (cdw10 & 1 << 15) != 0;
        long numd = ((long) (r.sqe().cdw(11) & 0xFFFF) << 16 | (cdw10 >>> 16)) + 1;
        long lpo = Integer.toUnsignedLong(r.sqe().cdw(12)) | (long) r.sqe().cdw(13) << 32;
        if ((lpo & 3) != 0) {
            r.fail(Status.INVALID_FIELD);
            return;
        }
        Buffer page = c.subsystem().commandSet().logPage(c, r, lid, lsp);
        if (page == null) {
            r.fail(Status.INVALID_FIELD);
            return;
        }
        long want = Math.min(numd * 4, r.transferLength());
        Buffer out = Buffer.buffer((int) want);
        if (lpo < page.length()) {
            out.appendBuffer(page.slice((int) lpo, (int) Math.min(page.length(), lpo + want)));
        }
        if (!rae) c.events().unmask(lid);
        r.respond(out);
    }
}
