package io.nvmegate.transport;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.Sqe;

import java.io.IOException;

/** Public face of {@link RawHost} for tests in other packages. */
public final class RawHostAccess implements AutoCloseable {
    private final RawHost h;

    public RawHostAccess(int port, String nqn) throws IOException {
        h = new RawHost(port, nqn);
    }

    /** ICReq/ICResp, then Connect on the admin queue. */
    public Cqe connect(int katoMs) throws Exception {
        h.handshake(false);
        return h.connectAdmin(katoMs);
    }

    public Cqe command(Sqe sqe) throws Exception { return h.command(sqe); }

    public void send(Pdu p) throws IOException { h.send(p); }

    public Cqe enable(int cid) throws Exception { return h.enable(cid); }

    /** Property Get CSTS. */
    public int csts(int cid) throws Exception {
        return h.command(Sqe.allocate().opcode(Opcodes.FABRICS).cid(cid).fctype(Opcodes.FCTYPE_PROPERTY_GET).u32(44, 0x1C)).dw0();
    }

    public boolean closedWithin(int ms) throws IOException { return h.closedWithin(ms); }

    @Override
    public void close() throws IOException { h.close(); }
}
