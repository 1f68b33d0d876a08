package io.nvmegate.transport;

import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.PduFramer;
import io.nvmegate.protocol.Sqe;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A raw host-side connection. */
final class RawHost implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    final DataInputStream in;
    boolean hdgst;

    final String nqn;

    RawHost(int port, String nqn) throws IOException {
        this.nqn = nqn;
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    void send(ByteBuffer b) throws IOException {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        out.write(a);
        out.flush();
    }

    void send(Pdu p) throws IOException {
        send(PduCodec.encode(p, hdgst, false));
    }

    Pdu receive() throws IOException, PduException {
        byte[] h = new byte[8];
        in.readFully(h);
        int plen = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        byte[] all = new byte[plen];
        System.arraycopy(h, 0, all, 0, 8);
        in.readFully(all, 8, plen - 8);
        List<ByteBuffer> got = new ArrayList<>();
        new PduFramer(false, 1 << 20).process(ByteBuffer.wrap(all), got::add);
        return PduCodec.decode(got.get(0), hdgst, false);
    }

    Pdu.ICResp handshake(boolean digest) throws Exception {
        send(new Pdu.ICReq(0, 0, digest, false, 0));
        Pdu.ICResp r = (Pdu.ICResp) receive();
        hdgst = digest;
        return r;
    }

    Cqe connectAdmin() throws Exception {
        return connectAdmin(0);
    }

    /** Fabrics Connect on queue {@code qid} (Connect data from {@link ConnectData}), SQSIZE 31. */
    Cqe connect(int qid, int katoMs, ConnectData data) throws Exception {
        Sqe sqe = Sqe.allocate().opcode(Opcodes.FABRICS).cid(1).fctype(Opcodes.FCTYPE_CONNECT).u16(42, qid)
                .u16(44, 31).u32(48, katoMs).sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(ConnectData.SIZE);
        send(new Pdu.CapsuleCmd(sqe, data.encode()));
        return ((Pdu.CapsuleResp) receive()).cqe();
    }

    /** Fabrics Connect on the admin queue with {@code katoMs}. */
    Cqe connectAdmin(int katoMs) throws Exception {
        ByteBuffer data = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        UUID id = UUID.randomUUID();
        data.putLong(0, id.getMostSignificantBits()).putLong(8, id.getLeastSignificantBits()).putShort(16, (short) 0xFFFF);
        data.put(256, nqn.getBytes(StandardCharsets.US_ASCII));
        data.put(512, "nqn.2014-08.org.nvmexpress:uuid:0c0ffee0-0000-4000-8000-000000000001".getBytes(StandardCharsets.US_ASCII));
        Sqe sqe = Sqe.allocate().opcode(Opcodes.FABRICS).cid(1).fctype(Opcodes.FCTYPE_CONNECT)
                .u16(44, 31).u32(48, katoMs).sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(1024);
        send(new Pdu.CapsuleCmd(sqe, data));
        return ((Pdu.CapsuleResp) receive()).cqe();
    }

    Cqe propertyGetCap(int cid) throws Exception {
        Sqe sqe = Sqe.allocate().opcode(Opcodes.FABRICS).cid(cid).fctype(Opcodes.FCTYPE_PROPERTY_GET).u8(40, 1).u32(44, 0);
        send(new Pdu.CapsuleCmd(sqe, ByteBuffer.allocate(0)));
        return ((Pdu.CapsuleResp) receive()).cqe();
    }

    /** Reads the C2HTermReq the target must send, then expects the connection to be closed. */
    Pdu.TermReq expectTermination() throws Exception {
        Pdu p = receive();
        assertThat(p).isInstanceOf(Pdu.TermReq.class);
        Pdu.TermReq t = (Pdu.TermReq) p;
        assertThat(t.hostToController()).isFalse();
        InputStream raw = socket.getInputStream();
        int b;
        try {
            b = raw.read();
        } catch (IOException reset) {
            b = -1;
        }
        assertThat(b).as("connection closed after C2HTermReq").isEqualTo(-1);
        return t;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Sends a command without data and returns its completion. */
    Cqe command(Sqe sqe) throws Exception {
        send(new Pdu.CapsuleCmd(sqe, ByteBuffer.allocate(0)));
        return ((Pdu.CapsuleResp) receive()).cqe();
    }

    /** Property Set CC = EN | IOSQES 6 | IOCQES 4 (enables the controller). */
    Cqe enable(int cid) throws Exception {
        return command(Sqe.allocate().opcode(Opcodes.FABRICS).cid(cid).fctype(Opcodes.FCTYPE_PROPERTY_SET)
                .u32(44, 0x14).u64(48, 1 | 6 << 16 | 4 << 20));
    }

    /** @return true if the peer closed the connection within {@code ms}. */
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
}
