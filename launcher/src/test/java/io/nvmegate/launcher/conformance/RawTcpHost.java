package io.nvmegate.launcher.conformance;

import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.Sqe;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A host-side NVMe/TCP connection at the PDU level, for what the host library never does on purpose: corrupt
 * digests, inspect PDU flags (C2HData SUCCESS), send out-of-range Connect parameters. Blocking, one queue.
 */
final class RawTcpHost implements AutoCloseable {
    static final String HOSTNQN = "nqn.2014-08.org.nvmexpress:uuid:0c0ffee0-0000-4000-8000-0000000000aa";
    final Socket socket;
    final OutputStream out;
    final DataInputStream in;
    boolean hdgst, ddgst;
    private int nextCid = 1;

    RawTcpHost(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    int cid() { return nextCid++; }

    void sendRaw(ByteBuffer b) throws IOException {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        out.write(a);
        out.flush();
    }

    void send(Pdu p) throws IOException { sendRaw(PduCodec.encode(p, hdgst, ddgst)); }

    /** Sends {@code p} with the byte at {@code offsetFromEnd} (1 = last byte) flipped: with DDGST, the data digest. */
    void sendCorrupted(Pdu p, int offsetFromEnd) throws IOException {
        ByteBuffer b = PduCodec.encode(p, hdgst, ddgst);
        int i = b.limit() - offsetFromEnd;
        b.put(i, (byte) (b.get(i) ^ 0x5A));
        sendRaw(b);
    }

    Pdu receive() throws IOException, PduException {
        byte[] h = new byte[8];
        in.readFully(h);
        int plen = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        byte[] all = new byte[plen];
        System.arraycopy(h, 0, all, 0, 8);
        in.readFully(all, 8, plen - 8);
        return PduCodec.decode(ByteBuffer.wrap(all), hdgst, ddgst);
    }

    Cqe response() throws Exception {
        Pdu p = receive();
        if (!(p instanceof Pdu.CapsuleResp r)) throw new AssertionError("expected CapsuleResp, got " + p.type());
        return r.cqe();
    }

    void handshake(boolean hd, boolean dd) throws Exception {
        send(new Pdu.ICReq(0, 0, hd, dd, 0));
        Pdu p = receive();
        if (!(p instanceof Pdu.ICResp)) throw new AssertionError("expected ICResp, got " + p.type());
        hdgst = hd;
        ddgst = dd;
    }

    /** Fabrics Connect: QID, SQSIZE (0's based), CATTR, CNTLID (0xFFFF for the admin queue). */
    Cqe connect(String subnqn, int qid, int sqsize, int cattr, int cntlid) throws Exception {
        ByteBuffer data = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        UUID id = UUID.nameUUIDFromBytes(HOSTNQN.getBytes(StandardCharsets.US_ASCII));
        data.putLong(0, id.getMostSignificantBits()).putLong(8, id.getLeastSignificantBits()).putShort(16, (short) cntlid);
        data.put(256, subnqn.getBytes(StandardCharsets.US_ASCII));
        data.put(512, HOSTNQN.getBytes(StandardCharsets.US_ASCII));
        Sqe sqe = Sqe.allocate().opcode(Opcodes.FABRICS).cid(cid()).fctype(Opcodes.FCTYPE_CONNECT)
                .u16(42, qid).u16(44, sqsize).u8(46, cattr).u32(48, qid == 0 ? 30_000 : 0)
                .sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(1024);
        send(new Pdu.CapsuleCmd(sqe, data));
        return response();
    }

    /** CC.EN = 1 with IOSQES 6, IOCQES 4. */
    Cqe enable() throws Exception {
        send(new Pdu.CapsuleCmd(Sqe.allocate().opcode(Opcodes.FABRICS).cid(cid()).fctype(Opcodes.FCTYPE_PROPERTY_SET)
                .u32(44, 0x14).u64(48, 1 | 6 << 16 | 4 << 20), ByteBuffer.allocate(0)));
        return response();
    }

    /** Admin queue connected and enabled; @return the CNTLID. */
    int adminQueue(String subnqn) throws Exception {
        Cqe c = connect(subnqn, 0, 31, 0, 0xFFFF);
        if (!c.success()) throw new AssertionError("admin Connect failed: " + c);
        if (!enable().success()) throw new AssertionError("CC.EN failed");
        return c.dw0() & 0xFFFF;
    }

    /** A Write SQE (NLB blocks at SLBA) with in-capsule data of {@code len} bytes, or R2T-served when not in-capsule. */
    Sqe write(int nsid, long slba, int nlb, int len, boolean inCapsule) {
        return Sqe.allocate().opcode(Opcodes.IO_WRITE).cid(cid()).nsid(nsid).slba(slba).nlb(nlb).sglLength(len)
                .sglId(inCapsule ? Sqe.SGL_DATA_BLOCK_OFFSET : Sqe.SGL_TRANSPORT_DATA_BLOCK);
    }

    Sqe read(int nsid, long slba, int nlb, int len) {
        return Sqe.allocate().opcode(Opcodes.IO_READ).cid(cid()).nsid(nsid).slba(slba).nlb(nlb).sglLength(len)
                .sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK);
    }

    /** True if the peer closed the connection within {@code ms}. */
    boolean closedWithin(int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            return socket.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
