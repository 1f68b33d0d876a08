package io.nvmegate.admin;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.vertx.core.buffer.Buffer;

/**
 * Get Log Page framing (NVMe Base 2.0 section 5.16; fields in {@link LogPageRequest}): returns bytes [LPO, LPO +
 * NUMD × 4) of the page the command set builds, zero-filled past its end (as nvmet), at most the SGL length. An
 * unknown LID → Invalid Field | DNR at LID. RAE = 0 unmasks the log's asynchronous events.
 */
public final class LogPages {
    private LogPages() {}

    static void execute(Controller c, NvmeRequest r, LogPageRequest p, AdminCommandSet cs) throws StatusException {
        Buffer page = cs.logPage(c, r, p);
        if (page == null) throw StatusException.invalidField(LogPageRequest.LOC_LID);
        long want = Math.min(p.bytes(), r.transferLength());
        Buffer out = Buffer.buffer((int) want);
        long lpo = p.lpo();
        if (lpo < page.length()) {
            out.appendBuffer(page.slice((int) lpo, (int) Math.min(page.length(), lpo + want)));
        }
        if (!p.rae()) c.events().unmask(p.lid());
        r.respond(out);
    }
}
