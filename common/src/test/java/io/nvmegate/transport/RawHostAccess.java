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

    /** ICReq/ICResp, then Connect on queue {@code qid} with {@code data}. */
    public Cqe connect(int qid, int katoMs, io.nvmegate.protocol.ConnectData data) throws Exception {
        h.handshake(false);
        return h.connect(qid, katoMs, data);
    }

    public Cqe command(Sqe sqe) throws Exception { return h.command(sqe); }

    /** Sends a command that returns data; @return the data (C2HData PDUs until LAST) and then expects success. */
    public byte[] read(Sqe sqe) throws Exception {
        h.send(new Pdu.CapsuleCmd(sqe, java.nio.ByteBuffer.allocate(0)));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            Pdu p = h.receive();
            if (p instanceof Pdu.CapsuleResp r) {
                if (r.cqe().status() != 0) throw new IllegalStateException("status 0x" + Integer.toHexString(r.cqe().status()));
                return out.toByteArray();
            }
            java.nio.ByteBuffer d = ((Pdu.C2HData) p).data();
            byte[] b = new byte[d.remaining()];
            d.get(b);
            out.write(b);
        }
    }

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
