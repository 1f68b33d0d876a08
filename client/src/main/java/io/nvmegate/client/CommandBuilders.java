package io.nvmegate.client;

import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.UUID;

/**
 * Builds submission queue entries. Every SQE comes from {@link Sqe#allocate()} (PSDT 01b: SGLs). The CID and the
 * SGL1 descriptor (@24..39) are left zero: the queue fills them in at submission according to the data direction
 * (in-capsule {@code 0x01}, transport data block {@code 0x5A}).
 */
public final class CommandBuilders {
    private CommandBuilders() {}

    /** Property offsets (NVMe Base 2.0 section 3.1.3, Figure 35). */
    public static final int PROP_CAP = 0x00;
    public static final int PROP_VS = 0x08;
    public static final int PROP_CC = 0x14;
    public static final int PROP_CSTS = 0x1C;

    /** Size of the Connect command's data (NVMe-oF 1.1 section 3.3, Figure 20). */
    public static final int CONNECT_DATA_SIZE = io.nvmegate.protocol.ConnectData.SIZE;
    /** CATTR bit 2: disable SQ flow control. */
    public static final int CATTR_DISABLE_SQ_FLOW_CONTROL = 1 << 2;

    // ---------------------------------------------------------------- Fabrics (NVMe-oF 1.1 section 3)

    /**
     * Fabrics Connect (FCTYPE 01h): {@code RECFMT le16 @40 = 0, QID le16 @42, SQSIZE le16 @44 (0's based),
     * CATTR u8 @46, KATO le32 @48 (ms)}. Send with {@link #connectData} in-capsule.
     */
    public static Sqe connect(int qid, int sqsize0, int cattr, int katoMs) {
        Sqe s = fabrics(Opcodes.FCTYPE_CONNECT);
        s.u16(40, 0).u16(42, qid).u16(44, sqsize0).u8(46, cattr).u32(48, katoMs);
        return s;
    }

    /**
     * Connect data (1024 bytes): {@code HOSTID[16] @0, CNTLID le16 @16, SUBNQN @256, HOSTNQN @512} (NUL padded).
     *
     * @param cntlid 0xFFFF on the admin queue (dynamic controller model), the allocated CNTLID on I/O queues
     */
    public static ByteBuffer connectData(UUID hostId, int cntlid, String subnqn, String hostnqn) {
        return new ConnectData(hostId, cntlid, subnqn, hostnqn).encode();
    }

    /**
     * Property Get (FCTYPE 04h): {@code ATTRIB u8 @40} (0 = 4 bytes, 1 = 8 bytes), {@code OFST le32 @44}. The value
     * comes back in CQE DW0 (and DW1 for 8 bytes).
     */
    public static Sqe propertyGet(int offset, boolean size8) {
        return fabrics(Opcodes.FCTYPE_PROPERTY_GET).u8(40, size8 ? 1 : 0).u32(44, offset);
    }

    /** Property Set (FCTYPE 00h): {@code ATTRIB u8 @40, OFST le32 @44, VALUE le64 @48}. */
    public static Sqe propertySet(int offset, long value, boolean size8) {
        return fabrics(Opcodes.FCTYPE_PROPERTY_SET).u8(40, size8 ? 1 : 0).u32(44, offset).u64(48, value);
    }

    /** Disconnect (FCTYPE 08h, NVMe-oF 1.1 section 3.4): {@code RECFMT le16 @40 = 0}. Ends the queue it is sent on. */
    public static Sqe disconnect() {
        return fabrics(Opcodes.FCTYPE_DISCONNECT);
    }

    /** DH-HMAC-CHAP security protocol (SECP E9h) and its SPSP0/SPSP1 (01h), NVMe Base 2.x section 8.3.4.5. */
    public static final int SECP_DHCHAP = 0xE9, SPSP_DHCHAP = 0x01;

    /**
     * Authentication Send (FCTYPE 05h): {@code SPSP0 u8 @41 = 01h, SPSP1 u8 @42 = 01h, SECP u8 @43 = E9h, TL le32 @44}
     * (the length of the message sent as data).
     */
    public static Sqe authSend(int tl) {
        return fabrics(Opcodes.FCTYPE_AUTH_SEND).u8(41, SPSP_DHCHAP).u8(42, SPSP_DHCHAP).u8(43, SECP_DHCHAP).u32(44, tl);
    }

    /** Authentication Receive (FCTYPE 06h): as {@link #authSend} with {@code AL le32 @44} (bytes to receive). */
    public static Sqe authReceive(int al) {
        return fabrics(Opcodes.FCTYPE_AUTH_RECEIVE).u8(41, SPSP_DHCHAP).u8(42, SPSP_DHCHAP).u8(43, SECP_DHCHAP).u32(44, al);
    }

    private static Sqe fabrics(int fctype) {
        return Sqe.allocate().opcode(Opcodes.FABRICS).fctype(fctype);
    }

    // ---------------------------------------------------------------- Admin (NVMe Base 2.0 section 5)

    /**
     * Identify (06h): NSID, {@code CDW10 = CNS (bits 7:0) | CNTID (bits 31:16)}. Returns 4096 bytes.
     */
    public static Sqe identify(int cns, int nsid, int cntid) {
        return Sqe.allocate().opcode(Opcodes.ADMIN_IDENTIFY).nsid(nsid).cdw(10, (cns & 0xFF) | (cntid & 0xFFFF) << 16);
    }

    /**
     * Get Log Page (02h): {@code CDW10 = LID (7:0) | LSP (14:8) | RAE (15) | NUMDL (31:16)}, {@code CDW11 = NUMDU
     * (15:0)}, {@code CDW12/13 = LPO} (bytes, lower/upper). NUMD is the 0's based number of dwords.
     *
     * @param lengthBytes bytes to read, a positive multiple of 4
     * @param offset      Log Page Offset in bytes, a multiple of 4
     */
    public static Sqe getLogPage(int lid, int lsp, boolean rae, long offset, int lengthBytes, int nsid) {
        if (lengthBytes <= 0 || (lengthBytes & 3) != 0) throw new IllegalArgumentException("log page length " + lengthBytes + " must be a positive multiple of 4");
        if (offset < 0 || (offset & 3) != 0) throw new IllegalArgumentException("log page offset " + offset + " must be a non-negative multiple of 4");
        int numd = lengthBytes / 4 - 1;
        return Sqe.allocate().opcode(Opcodes.ADMIN_GET_LOG_PAGE).nsid(nsid)
                .cdw(10, (lid & 0xFF) | (lsp & 0x7F) << 8 | (rae ? 1 << 15 : 0) | (numd & 0xFFFF) << 16)
                .cdw(11, numd >>> 16)
                .cdw(12, (int) offset).cdw(13, (int) (offset >>> 32));
    }

    /** Get Features (0Ah): {@code CDW10 = FID (7:0) | SEL (10:8)}, CDW11 feature specific. */
    public static Sqe getFeatures(int fid, int sel, int cdw11) {
        return Sqe.allocate().opcode(Opcodes.ADMIN_GET_FEATURES).cdw(10, (fid & 0xFF) | (sel & 7) << 8).cdw(11, cdw11);
    }

    /** Set Features (09h): {@code CDW10 = FID (7:0) | SV (31)}, CDW11 feature specific. */
    public static Sqe setFeatures(int fid, int cdw11, boolean save) {
        return Sqe.allocate().opcode(Opcodes.ADMIN_SET_FEATURES).cdw(10, (fid & 0xFF) | (save ? 1 << 31 : 0)).cdw(11, cdw11);
    }

    /**
     * Set Features Number of Queues (FID 07h): {@code CDW11 = NSQR (15:0) | NCQR (31:16)}, both 0's based. The
     * CQE DW0 holds the allocated NSQA (15:0) / NCQA (31:16), 0's based.
     */
    public static Sqe setNumberOfQueues(int n) {
        if (n < 1 || n > 65535) throw new IllegalArgumentException("queues " + n);
        return setFeatures(Opcodes.FEAT_NUMBER_OF_QUEUES, (n - 1) | (n - 1) << 16, false);
    }

    /** Asynchronous Event Request (0Ch). Completes when an event occurs; CQE DW0 = type (2:0) | info (15:8) | LID (23:16). */
    public static Sqe asyncEventRequest() {
        return Sqe.allocate().opcode(Opcodes.ADMIN_ASYNC_EVENT_REQUEST);
    }

    /** Abort (08h): {@code CDW10 = SQID (15:0) | CID (31:16)}. CQE DW0 bit 0 = 1: the command was not aborted. */
    public static Sqe abort(int sqid, int cid) {
        return Sqe.allocate().opcode(Opcodes.ADMIN_ABORT).cdw(10, (sqid & 0xFFFF) | (cid & 0xFFFF) << 16);
    }

    /** Keep Alive (18h). */
    public static Sqe keepAlive() {
        return Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE);
    }

    // ---------------------------------------------------------------- NVM command set (NVM Command Set 1.0 section 3)

    /** Read (02h): NSID, SLBA in CDW10/11, {@code CDW12 = NLB-1 (15:0)}. Returns {@code nlb * blockSize} bytes. */
    public static Sqe read(int nsid, long slba, int nlb) {
        return Sqe.allocate().opcode(Opcodes.IO_READ).nsid(nsid).slba(slba).nlb(checkNlb(nlb));
    }

    /** Write (01h): NSID, SLBA in CDW10/11, {@code CDW12 = NLB-1 (15:0) | FUA (30)}. */
    public static Sqe write(int nsid, long slba, int nlb, boolean fua) {
        Sqe s = Sqe.allocate().opcode(Opcodes.IO_WRITE).nsid(nsid).slba(slba);
        return s.cdw(12, (checkNlb(nlb) - 1) | (fua ? 1 << 30 : 0));
    }

    /** Compare (05h): as Write (NLB in CDW12 15:0, FUA bit 30); send the NLB blocks to compare as data. */
    public static Sqe compare(int nsid, long slba, int nlb) {
        return Sqe.allocate().opcode(Opcodes.IO_COMPARE).nsid(nsid).slba(slba).nlb(checkNlb(nlb));
    }

    /** Verify (0Ch): SLBA in CDW10/11, {@code CDW12 = NLB-1 (15:0)}; no data is transferred. */
    public static Sqe verify(int nsid, long slba, int nlb) {
        return Sqe.allocate().opcode(Opcodes.IO_VERIFY).nsid(nsid).slba(slba).nlb(checkNlb(nlb));
    }

    /** Flush (00h): NSID (0xFFFFFFFF = all namespaces, if the controller supports it). */
    public static Sqe flush(int nsid) {
        return Sqe.allocate().opcode(Opcodes.IO_FLUSH).nsid(nsid);
    }

    /** Write Zeroes (08h): SLBA in CDW10/11, {@code CDW12 = NLB-1 (15:0) | DEAC (25)}. */
    public static Sqe writeZeroes(int nsid, long slba, int nlb, boolean deallocate) {
        Sqe s = Sqe.allocate().opcode(Opcodes.IO_WRITE_ZEROES).nsid(nsid).slba(slba);
        return s.cdw(12, (checkNlb(nlb) - 1) | (deallocate ? 1 << 25 : 0));
    }

    /**
     * Dataset Management (09h): {@code CDW10 = NR (7:0), 0's based number of ranges}, {@code CDW11 bit 2 = AD
     * (deallocate)}. Send {@link #dsmRanges} as data.
     */
    public static Sqe datasetManagement(int nsid, int ranges, boolean deallocate) {
        if (ranges < 1 || ranges > 256) throw new IllegalArgumentException("DSM ranges " + ranges + " (1..256)");
        return Sqe.allocate().opcode(Opcodes.IO_DATASET_MANAGEMENT).nsid(nsid).cdw(10, ranges - 1).cdw(11, deallocate ? 1 << 2 : 0);
    }

    /** The 16-byte range descriptors of Dataset Management: {@code attrs le32 @0, NLB le32 @4, SLBA le64 @8}. */
    public static ByteBuffer dsmRanges(List<DsmRange> ranges) {
        ByteBuffer b = ByteBuffer.allocate(16 * ranges.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ranges.size(); i++) {
            DsmRange r = ranges.get(i);
            b.putInt(i * 16, r.contextAttributes()).putInt(i * 16 + 4, r.nlb()).putLong(i * 16 + 8, r.slba());
        }
        return b;
    }

    // ---------------------------------------------------------------- reservations (NVMe Base 2.0 sections 7.2..7.5)

    /**
     * Reservation Register (0Dh): {@code CDW10 = RREGA (2:0: 0 register, 1 unregister, 2 replace) | IEKEY (3) |
     * CPTPL (31:30: 0 no change, 2 clear PTPL, 3 set PTPL)}. Send {@link #reservationKeys} (CRKEY, NRKEY) as data.
     */
    public static Sqe reservationRegister(int nsid, int rrega, boolean iekey, int cptpl) {
        return Sqe.allocate().opcode(Opcodes.IO_RESERVATION_REGISTER).nsid(nsid)
                .cdw(10, (rrega & 7) | (iekey ? 1 << 3 : 0) | (cptpl & 3) << 30);
    }

    /** Reservation Acquire (11h): {@code CDW10 = RACQA (2:0: 0 acquire, 1 preempt, 2 preempt and abort) | RTYPE (15:8)}; data CRKEY, PRKEY. */
    public static Sqe reservationAcquire(int nsid, int racqa, int rtype) {
        return Sqe.allocate().opcode(Opcodes.IO_RESERVATION_ACQUIRE).nsid(nsid).cdw(10, (racqa & 7) | (rtype & 0xFF) << 8);
    }

    /** Reservation Release (15h): {@code CDW10 = RRELA (2:0: 0 release, 1 clear) | RTYPE (15:8)}; data CRKEY (8 bytes). */
    public static Sqe reservationRelease(int nsid, int rrela, int rtype) {
        return Sqe.allocate().opcode(Opcodes.IO_RESERVATION_RELEASE).nsid(nsid).cdw(10, (rrela & 7) | (rtype & 0xFF) << 8);
    }

    /** Reservation Report (0Eh): {@code CDW10 = NUMD} (0's based dwords of {@code bytes}), {@code CDW11 bit 0 = EDS}. */
    public static Sqe reservationReport(int nsid, int bytes, boolean eds) {
        if (bytes < 4 || bytes % 4 != 0) throw new IllegalArgumentException("report length " + bytes + " (a multiple of 4)");
        return Sqe.allocate().opcode(Opcodes.IO_RESERVATION_REPORT).nsid(nsid).cdw(10, bytes / 4 - 1).cdw(11, eds ? 1 : 0);
    }

    /** Reservation command data: one or two le64 keys (Register: CRKEY, NRKEY; Acquire: CRKEY, PRKEY; Release: CRKEY). */
    public static ByteBuffer reservationKeys(long... keys) {
        ByteBuffer b = ByteBuffer.allocate(8 * keys.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long k : keys) b.putLong(k);
        return b.flip();
    }

    private static int checkNlb(int nlb) {
        if (nlb < 1 || nlb > 65536) throw new IllegalArgumentException("NLB " + nlb + " (1..65536 blocks per command)");
        return nlb;
    }
}
