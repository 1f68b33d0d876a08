package io.nvmegate.admin;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.vertx.core.buffer.Buffer;

/**
 * Get Log Page framing (NVMe Base 2.0 section 5.16; fields in {@link LogPageRequest}): returns bytes [LPO, LPO +
 * NUMD × 4) of the page the command set builds, zero-filled past its end (as nvmet), at most the SGL length (which
 * the command parser holds to MDTS). An unknown LID → Invalid Field | DNR at LID. LPO is an unsigned 64-bit byte
 * offset (CDW13:CDW12; read as signed, 2^63 and up once answered from offset 0 or with Internal Error); an offset at
 * or beyond the end of the page returns zeros, as nvmet does and as a host reading a log piecewise expects when the
 * log shrank between its reads (libnvme reads the discovery log's header, then its entries, then the header again
 * and retries on a GENCTR change). RAE = 0 unmasks the log's asynchronous events.
 */
public final class LogPages {
    private LogPages() {}

    static void execute(Controller c, NvmeRequest r, LogPageRequest p, AdminCommandSet cs) throws StatusException {
        Buffer page = cs.logPage(c, r, p);
        if (page == null) throw StatusException.invalidField(LogPageRequest.LOC_LID);
        long lpo = p.lpo();
        long want = Math.min(p.bytes(), Integer.toUnsignedLong(r.transferLength()));
        Buffer out;
        if (Long.compareUnsigned(lpo, page.length()) >= 0) {
            out = Buffer.buffer(); // past the end: zeros (respond pads to the transfer length)
        } else {
            int end = (int) Math.min(page.length(), lpo + want); // lpo < page length here: no overflow
            out = page.slice((int) lpo, end);
        }
        if (!p.rae()) c.events().unmask(p.lid());
        r.respond(out);
    }
}
