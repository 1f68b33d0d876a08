package io.nvmegate.testkit;

import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.PduFramer;
import io.nvmegate.protocol.Sqe;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A host-side NVMe/TCP connection (one queue) at the PDU level, over a plain blocking socket, for tests that need
 * what a real host library never does on purpose: malformed or out-of-order PDUs, corrupted digests, Connect
 * parameters out of range, a host that stops reading. PDUs are encoded and decoded by {@code protocol}'s
 * {@link PduCodec} (received PDUs are framed and header-checked by a host-side {@link PduFramer} first), the
 * Connect data by {@link ConnectData}. Every read has a timeout ({@link Options#timeout()}, 10 s by default): a
 * silent target fails the test with a {@link SocketTimeoutException} instead of hanging it. Not thread-safe.
 *
 * <p>Typical use: {@code handshake(false, false)}; {@code adminQueue(nqn)} (Connect QID 0 + CC.EN, returns the
 * CNTLID); {@code ioQueue(1, 31, false, false)} (a second connection, I/O-queue Connect to that CNTLID); then {@link #execute(Sqe, byte[])} for a
 * command with its whole data phase (in-capsule data, R2T → H2CData, C2HData → CapsuleResp), or
 * {@link #send}/{@link #receive} PDU by PDU.
 *
 * <p>Slow reader (back-pressure tests): {@link Options#slowReader(int)} shrinks the socket receive buffer (before
 * connecting) and batches sends until {@link #flush()} or the next {@link #receive()}, so a test can submit many
 * commands and read nothing while the target's write side fills up.
 */
public final class RawNvmeTcpHost implements AutoCloseable {
    /** The host NQN sent by default. */
    public static final String HOSTNQN = "nqn.2014-08.org.nvmexpress:uuid:0c0ffee0-0000-4000-8000-0000000000aa";
    /** KATO of {@link #connect(String, int, int, int, int)} on the admin queue, in milliseconds. */
    public static final int ADMIN_KATO_MS = 30_000;
    /** CC written by {@link #enable()}: EN = 1, IOSQES = 6 (64-byte SQEs), IOCQES = 4 (16-byte CQEs). */
    public static final long CC_ENABLE = 1 | 6 << 16 | 4 << 20;
    /** Property offsets (NVMe Base 2.0 section 3.1.4): CAP (8 bytes), VS, CC, CSTS. */
    public static final int PROP_CAP = 0x00, PROP_VS = 0x08, PROP_CC = 0x14, PROP_CSTS = 0x1C;
    private static final int MAX_PDU = 64 << 20;

    /**
     * How to open the connection.
     *
     * @param address            target IP address
     * @param timeout            limit of every blocking read
     * @param receiveBufferBytes SO_RCVBUF set before connecting; 0: the system default
     * @param batchSends         hold sent PDUs in a 64 KiB buffer until {@link #flush()} or the next receive
     * @param hostNqn            HOSTNQN of the Connect data (may be empty)
     * @param hostId             HOSTID of the Connect data
     */
    public record Options(String address, Duration timeout, int receiveBufferBytes, boolean batchSends, String hostNqn,
                          UUID hostId) {
        /** 127.0.0.1, 10 s reads, default buffers, {@link #HOSTNQN} with its name-based UUID as host ID. */
        public static Options defaults() {
            return new Options("127.0.0.1", Duration.ofSeconds(10), 0, false, HOSTNQN, hostIdOf(HOSTNQN));
        }

        public Options timeout(Duration t) { return new Options(address, t, receiveBufferBytes, batchSends, hostNqn, hostId); }

        /** A host NQN, and the name-based UUID of it as the host ID. */
        public Options hostNqn(String nqn) { return new Options(address, timeout, receiveBufferBytes, batchSends, nqn, hostIdOf(nqn)); }

        public Options hostId(UUID id) { return new Options(address, timeout, receiveBufferBytes, batchSends, hostNqn, id); }

        /** A small receive buffer and batched sends: see the class comment. */
        public Options slowReader(int receiveBufferBytes) {
            return new Options(address, timeout, receiveBufferBytes, true, hostNqn, hostId);
        }
    }

    /** A command's completion and the data the controller sent for it (C2HData, in DATAO order; empty if none). */
    public record Completion(Cqe cqe, byte[] data) {
        public int status() { return cqe.status(); }

        public boolean success() { return cqe.success(); }

        /** The data as a little-endian buffer (for reading fields at their byte offsets). */
        public ByteBuffer le() { return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN); }
    }

    private final Options options;
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final PduFramer framer = new PduFramer(false, MAX_PDU);
    private boolean hdgst, ddgst;
    private int maxH2CData = 8192;
    private int nextCid = 1;
    private String adminSubnqn; // set by adminQueue(): what ioQueue() connects to
    private int adminCntlid;

    private RawNvmeTcpHost(int port, Options o) throws IOException {
        options = o;
        socket = new Socket();
        if (o.receiveBufferBytes() > 0) socket.setReceiveBufferSize(o.receiveBufferBytes());
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(o.address(), port), (int) o.timeout().toMillis());
        socket.setSoTimeout((int) o.timeout().toMillis());
        OutputStream raw = socket.getOutputStream();
        out = o.batchSends() ? new BufferedOutputStream(raw, 1 << 16) : raw;
        in = new DataInputStream(socket.getInputStream());
    }

    /** Opens a connection to 127.0.0.1:{@code port} with {@link Options#defaults()} (no ICReq sent yet). */
    public static RawNvmeTcpHost connect(int port) throws IOException {
        return new RawNvmeTcpHost(port, Options.defaults());
    }

    /** Opens a connection to {@code o.address()}:{@code port} (no ICReq sent yet). */
    public static RawNvmeTcpHost connect(int port, Options o) throws IOException {
        return new RawNvmeTcpHost(port, o);
    }

    /** @return the UUID this kit uses as HOSTID for {@code hostNqn} (name-based, so stable across connections) */
    public static UUID hostIdOf(String hostNqn) {
        return UUID.nameUUIDFromBytes(hostNqn.getBytes(StandardCharsets.US_ASCII));
    }

    public Socket socket() { return socket; }

    public String hostNqn() { return options.hostNqn(); }

    /** @return the next CID (1, 2, ...; CIDs given explicitly by a test do not advance it) */
    public int cid() {
        int c = nextCid;
        nextCid = nextCid == 0xFFFE ? 1 : nextCid + 1;
        return c;
    }

    /** Changes the limit of every following read. */
    public void timeout(Duration t) throws IOException {
        socket.setSoTimeout((int) t.toMillis());
    }

    // ---- initialization and Connect ----

    /**
     * ICReq (PFV 0, HPDA 0, MAXR2T 0 = one outstanding R2T) asking for the digests, then the ICResp; digests are
     * on from the next PDU as the ICResp grants them (NVMe/TCP 1.0 section 3.6.2.2).
     *
     * @throws AssertionError if the target answers with another PDU
     */
    public Pdu.ICResp handshake(boolean headerDigest, boolean dataDigest) throws IOException, PduException {
        send(new Pdu.ICReq(0, 0, headerDigest, dataDigest, 0));
        Pdu.ICResp r = receive(Pdu.ICResp.class);
        hdgst = r.hdgst();
        ddgst = r.ddgst();
        maxH2CData = r.maxh2cdata();
        return r;
    }

    /** {@link #handshake(boolean, boolean)} without digests. */
    public Pdu.ICResp handshake() throws IOException, PduException {
        return handshake(false, false);
    }

    /**
     * The Fabrics Connect SQE (NVMe-oF 1.1 Figure 20): FCTYPE 01h, RECFMT 0 @40, QID le16 @42, SQSIZE (0's based)
     * le16 @44, CATTR @46, KATO le32 @48 (ms), SGL: 1024 bytes in-capsule (data block, offset).
     */
    public Sqe connectSqe(int qid, int sqsize, int cattr, int katoMs) {
        return Sqe.allocate().opcode(Opcodes.FABRICS).cid(cid()).fctype(Opcodes.FCTYPE_CONNECT)
                .u16(42, qid).u16(44, sqsize).u8(46, cattr).u32(48, katoMs)
                .sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(ConnectData.SIZE);
    }

    /** This host's Connect data for {@code subnqn} and {@code cntlid}. */
    public ConnectData connectData(String subnqn, int cntlid) {
        return new ConnectData(options.hostId(), cntlid, subnqn, options.hostNqn());
    }

    /** Sends {@code sqe} with {@code data} in-capsule and returns the completion. */
    public Cqe connect(Sqe sqe, ConnectData data) throws IOException, PduException {
        return command(sqe, data.encode());
    }

    /**
     * Fabrics Connect with this host's NQN and ID; KATO {@link #ADMIN_KATO_MS} on the admin queue, 0 on I/O queues.
     *
     * @param qid    0 for the admin queue
     * @param sqsize 0's based
     * @param cattr  connect attributes (bit 2: SQ flow control disable)
     * @param cntlid {@link ConnectData#DYNAMIC_CNTLID} for the admin queue, the admin Connect's CNTLID otherwise
     */
    public Cqe connect(String subnqn, int qid, int sqsize, int cattr, int cntlid) throws IOException, PduException {
        return connect(connectSqe(qid, sqsize, cattr, qid == 0 ? ADMIN_KATO_MS : 0), connectData(subnqn, cntlid));
    }

    /** Admin-queue Connect (QID 0, SQSIZE 31, dynamic CNTLID) with KATO {@code katoMs} (0: no keep-alive). */
    public Cqe connectAdmin(String subnqn, int katoMs) throws IOException, PduException {
        return connect(connectSqe(0, 31, 0, katoMs), connectData(subnqn, ConnectData.DYNAMIC_CNTLID));
    }

    /** I/O-queue Connect (CATTR 0, KATO 0) to the controller {@code cntlid}. */
    public Cqe connectIo(String subnqn, int qid, int sqsize, int cntlid) throws IOException, PduException {
        return connect(subnqn, qid, sqsize, 0, cntlid);
    }

    /**
     * Admin queue Connect, then CC.EN = 1.
     *
     * @return the CNTLID (CQE DW0 bits 15:0)
     * @throws AssertionError if either fails
     */
    public int adminQueue(String subnqn) throws IOException, PduException {
        Cqe c = connect(subnqn, 0, 31, 0, ConnectData.DYNAMIC_CNTLID);
        if (!c.success()) throw new AssertionError("admin Connect to " + subnqn + " failed: " + c);
        Cqe en = enable();
        if (!en.success()) throw new AssertionError("Property Set CC.EN failed: " + en);
        adminSubnqn = subnqn;
        adminCntlid = c.dw0() & 0xFFFF;
        return adminCntlid;
    }

    /**
     * Opens I/O queue {@code qid} of the controller this host's {@link #adminQueue} created: a new connection to the
     * same address and port with the same options, ICReq with the digests asked for, I/O-queue Connect (CATTR 0).
     *
     * @param sqsize 0's based
     * @throws AssertionError if no admin queue was set up here or the Connect fails
     */
    public RawNvmeTcpHost ioQueue(int qid, int sqsize, boolean headerDigest, boolean dataDigest) throws IOException, PduException {
        if (adminSubnqn == null) throw new AssertionError("ioQueue() needs adminQueue() on this host first");
        RawNvmeTcpHost io = new RawNvmeTcpHost(socket.getPort(), options);
        try {
            io.handshake(headerDigest, dataDigest);
            Cqe c = io.connectIo(adminSubnqn, qid, sqsize, adminCntlid);
            if (!c.success()) throw new AssertionError("I/O queue " + qid + " Connect failed: " + c);
            return io;
        } catch (IOException | PduException | RuntimeException | Error e) {
            io.close();
            throw e;
        }
    }

    // ---- properties ----

    /** Property Get (FCTYPE 04h): ATTRIB @40 bit 0 = 8-byte property, OFST le32 @44; the value is in DW0(/DW1). */
    public Cqe propertyGet(int offset, boolean eightBytes) throws IOException, PduException {
        return command(Sqe.allocate().opcode(Opcodes.FABRICS).cid(cid()).fctype(Opcodes.FCTYPE_PROPERTY_GET)
                .u8(40, eightBytes ? 1 : 0).u32(44, offset));
    }

    /** Property Set (FCTYPE 00h) of a 4-byte property: OFST le32 @44, VALUE le64 @48. */
    public Cqe propertySet(int offset, long value) throws IOException, PduException {
        return command(Sqe.allocate().opcode(Opcodes.FABRICS).cid(cid()).fctype(Opcodes.FCTYPE_PROPERTY_SET)
                .u32(44, offset).u64(48, value));
    }

    /** Property Set CC = {@link #CC_ENABLE}. */
    public Cqe enable() throws IOException, PduException {
        return propertySet(PROP_CC, CC_ENABLE);
    }

    /** @return CSTS (Property Get at 1Ch) */
    public int csts() throws IOException, PduException {
        return propertyGet(PROP_CSTS, false).dw0();
    }

    // ---- commands ----

    /** Read (opcode 02h) of {@code nlb} blocks at {@code slba}, {@code len} bytes to the host (transport SGL). */
    public Sqe read(int nsid, long slba, int nlb, int len) {
        return Sqe.allocate().opcode(Opcodes.IO_READ).cid(cid()).nsid(nsid).slba(slba).nlb(nlb).sglLength(len)
                .sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK);
    }

    /** Write (opcode 01h) of {@code nlb} blocks at {@code slba}: {@code len} bytes in-capsule, or by R2T if not. */
    public Sqe write(int nsid, long slba, int nlb, int len, boolean inCapsule) {
        return Sqe.allocate().opcode(Opcodes.IO_WRITE).cid(cid()).nsid(nsid).slba(slba).nlb(nlb).sglLength(len)
                .sglId(inCapsule ? Sqe.SGL_DATA_BLOCK_OFFSET : Sqe.SGL_TRANSPORT_DATA_BLOCK);
    }

    /** Identify (opcode 06h): CNS @40 (CDW10 bits 7:0), NSID; 4096 bytes to the host. */
    public Sqe identify(int cns, int nsid) {
        return Sqe.allocate().opcode(Opcodes.ADMIN_IDENTIFY).cid(cid()).nsid(nsid).cdw(10, cns)
                .sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(4096);
    }

    /** Get Log Page (opcode 02h) of {@code len} bytes (a multiple of 4): CDW10 = LID | NUMDL << 16, CDW12/13 = LPO. */
    public Sqe getLogPage(int lid, int len, long offset) {
        int numd = len / 4 - 1;
        return Sqe.allocate().opcode(Opcodes.ADMIN_GET_LOG_PAGE).cid(cid()).nsid(0xFFFFFFFF)
                .cdw(10, lid | (numd & 0xFFFF) << 16).cdw(11, numd >>> 16).cdw(12, (int) offset).cdw(13, (int) (offset >>> 32))
                .sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(len);
    }

    /** Sends a command without data and returns its completion. */
    public Cqe command(Sqe sqe) throws IOException, PduException {
        return command(sqe, ByteBuffer.allocate(0));
    }

    /** Sends a command with {@code inCapsule} data and returns its completion (no data phase expected). */
    public Cqe command(Sqe sqe, ByteBuffer inCapsule) throws IOException, PduException {
        send(new Pdu.CapsuleCmd(sqe, inCapsule));
        return response();
    }

    /**
     * Runs one command with its whole data phase: {@code data} goes in-capsule when the SQE's SGL is a data block
     * (offset), else by H2CData on each R2T (split at the MAXH2CDATA of the ICResp); C2HData is collected at its
     * DATAO until the CapsuleResp, or until a C2HData with LAST and SUCCESS (SQ flow control disabled, NVMe/TCP
     * 1.0 section 3.3.7.3: then the completion is synthesized with status 0).
     *
     * @param data host-to-controller data, or null
     * @throws AssertionError on a PDU that does not belong to this command (other CCCID, C2HTermReq)
     */
    public Completion execute(Sqe sqe, byte[] data) throws IOException, PduException {
        boolean inCapsule = data != null && sqe.sglId() == Sqe.SGL_DATA_BLOCK_OFFSET;
        send(new Pdu.CapsuleCmd(sqe, inCapsule ? ByteBuffer.wrap(data) : ByteBuffer.allocate(0)));
        byte[] got = new byte[data == null ? Math.max(0, sqe.sglLength()) : 0];
        int received = 0;
        while (true) {
            Pdu p = receive();
            if (p instanceof Pdu.CapsuleResp r) {
                expectCid(sqe, r.cqe().cid(), p);
                return new Completion(r.cqe(), java.util.Arrays.copyOf(got, received));
            } else if (p instanceof Pdu.R2T r2t) {
                expectCid(sqe, r2t.cccid(), p);
                if (data == null) throw new AssertionError("R2T for a command without host data: " + r2t);
                answer(r2t, data);
            } else if (p instanceof Pdu.C2HData d) {
                expectCid(sqe, d.cccid(), p);
                int n = d.data().remaining();
                if (d.datao() + n > got.length) got = java.util.Arrays.copyOf(got, d.datao() + n);
                d.data().get(got, d.datao(), n);
                received = Math.max(received, d.datao() + n);
                if (d.last() && d.success()) {
                    return new Completion(new Cqe(0, 0, 0, 0, sqe.cid(), 0), java.util.Arrays.copyOf(got, received));
                }
            } else {
                throw new AssertionError("unexpected " + p.type() + " during CID " + sqe.cid() + ": " + p);
            }
        }
    }

    /** Answers {@code r2t} with H2CData PDUs of {@code data[R2TO, R2TO + R2TL)}, at most MAXH2CDATA bytes each. */
    public void answer(Pdu.R2T r2t, byte[] data) throws IOException {
        int end = r2t.r2to() + r2t.r2tl();
        for (int off = r2t.r2to(); off < end; ) {
            int n = Math.min(maxH2CData > 0 ? maxH2CData : end - off, end - off);
            send(new Pdu.H2CData(r2t.cccid(), r2t.ttag(), off, off + n == end, ByteBuffer.wrap(data, off, n).slice()));
            off += n;
        }
    }

    private static void expectCid(Sqe sqe, int cid, Pdu p) {
        if (cid != sqe.cid()) throw new AssertionError("expected CID " + sqe.cid() + ", got " + p.type() + " for CID " + cid);
    }

    // ---- PDU level ----

    /** Sends {@code p} encoded with the digests in force. */
    public void send(Pdu p) throws IOException {
        sendRaw(PduCodec.encode(p, hdgst, ddgst));
    }

    /** Sends {@code p} with the byte at {@code offsetFromEnd} (1 = the last: with DDGST, the data digest) flipped. */
    public void sendCorrupted(Pdu p, int offsetFromEnd) throws IOException {
        ByteBuffer b = PduCodec.encode(p, hdgst, ddgst);
        int i = b.limit() - offsetFromEnd;
        b.put(i, (byte) (b.get(i) ^ 0x5A));
        sendRaw(b);
    }

    /** Sends the bytes {@code b} holds (position to limit) as they are: for malformed PDUs. */
    public void sendRaw(ByteBuffer b) throws IOException {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        out.write(a);
        if (!options.batchSends()) out.flush();
    }

    /** Sends {@code b} in separate writes of {@code segment} bytes each (flushed one by one: TCP segmentation tests). */
    public void sendSegmented(ByteBuffer b, int segment) throws IOException {
        ByteBuffer d = b.duplicate();
        while (d.hasRemaining()) {
            byte[] a = new byte[Math.min(segment, d.remaining())];
            d.get(a);
            out.write(a);
            out.flush();
        }
    }

    /** Pushes out PDUs held by a batching host ({@link Options#batchSends()}). */
    public void flush() throws IOException {
        out.flush();
    }

    /**
     * Reads one PDU (flushing batched sends first): 8-byte common header, then PLEN - 8 bytes; framed and checked by a
     * host-side {@link PduFramer}, decoded with the digests in force.
     *
     * @throws SocketTimeoutException when nothing complete arrives within the timeout
     * @throws java.io.EOFException   when the target closed the connection
     * @throws PduException           on a header or digest the codec refuses
     */
    public Pdu receive() throws IOException, PduException {
        out.flush();
        byte[] h = new byte[8];
        in.readFully(h);
        int plen = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        if (plen < 8 || plen > MAX_PDU) throw new PduException(PduException.FES_INVALID_HEADER_FIELD, 4, "PLEN " + plen);
        byte[] all = new byte[plen];
        System.arraycopy(h, 0, all, 0, 8);
        in.readFully(all, 8, plen - 8);
        List<ByteBuffer> whole = new ArrayList<>(1);
        framer.process(ByteBuffer.wrap(all), whole::add);
        return PduCodec.decode(whole.get(0), hdgst, ddgst);
    }

    /** @throws AssertionError if the next PDU is not a {@code type} */
    public <T extends Pdu> T receive(Class<T> type) throws IOException, PduException {
        Pdu p = receive();
        if (!type.isInstance(p)) throw new AssertionError("expected " + type.getSimpleName() + ", got " + p.type() + ": " + p);
        return type.cast(p);
    }

    /** @return the CQE of the next PDU, which must be a CapsuleResp */
    public Cqe response() throws IOException, PduException {
        return receive(Pdu.CapsuleResp.class).cqe();
    }

    /**
     * Reads the C2HTermReq the target must send on a fatal transport error (NVMe/TCP 1.0 section 3.6.2.9), then
     * expects the target to close the connection.
     *
     * @throws AssertionError if the next PDU is not a C2HTermReq or the connection stays open
     */
    public Pdu.TermReq expectTermination() throws IOException, PduException {
        Pdu.TermReq t = receive(Pdu.TermReq.class);
        if (t.hostToController()) throw new AssertionError("expected C2HTermReq, got H2CTermReq");
        if (!closedWithin(socket.getSoTimeout())) throw new AssertionError("connection still open after C2HTermReq");
        return t;
    }

    /** @return true if the target closed (or reset) the connection within {@code ms}; the read timeout is then {@code ms} */
    public boolean closedWithin(int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
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
