package io.nvmegate.admin;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.vertx.core.buffer.Buffer;

/**
 * Get Log Page framing (NVMe Base 2.0 section 5.16; fields in {@link LogPageRequest}): returns bytes [LPO, LPO +
 * NUMD × 4) of the page the command set builds, zero-filled past its end (as nvmet), at most the SGL length (which
 * the command parser holds to MDTS). An unknown LID → Invalid Field | DNR at LID. LPO is an unsigned 64-bit byte
 * offset (CDW13:CDW12); an offset beyond the end of the page → Invalid Field | DNR at LPOL (NVMe Base 2.0 section
 * 5.16: the offset must lie within the log page). RAE = 0 unmasks the log's asynchronous events.
 */
public final class LogPages {
    private LogPages() {}

    static void execute(Controller c, NvmeRequest r, LogPageRequest p, AdminCommandSet cs) throws StatusException {
        Buffer page = cs.logPage(c, r, p);
        if (page == null) throw StatusException.invalidField(LogPageRequest.LOC_LID);
        long lpo = p.lpo();
        if (Long.compareUnsigned(lpo, page.length()) > 0) throw StatusException.invalidField(LogPageRequest.LOC_LPO);
        long want = Math.min(p.bytes(), Integer.toUnsignedLong(r.transferLength()));
        int end = (int) Math.min(page.length(), lpo + want); // lpo <= page length here: no overflow
        Buffer out = page.slice((int) lpo, end);
        if (!p.rae()) c.events().unmask(p.lid());
        r.respond(out);
    }
}
