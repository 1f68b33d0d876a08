package io.nvmegate.fabrics;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.QueueTransport;
import io.nvmegate.protocol.Status;

/**
 * Fabrics Disconnect (FCTYPE 08h, NVMe-oF 1.1 section 3.x "Disconnect command"; nvmet answers it on any queue):
 * completes with success, then closes the queue that received it. Disconnecting the admin queue ends the
 * association (the controller is destroyed when its admin queue closes).
 */
final class Disconnect {
    private Disconnect() {}

    static void execute(Controller c, NvmeRequest r) {
        r.complete(Status.SUCCESS);
        QueueTransport q = c.queue(r.qid());
        if (q != null) q.close("Disconnect");
    }
}
