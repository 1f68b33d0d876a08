package io.nvmegate.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.nvmegate.protocol.TestPdus.assertSamePdu;
import static io.nvmegate.protocol.TestPdus.bytes;
import static io.nvmegate.protocol.TestPdus.le;
import static io.nvmegate.protocol.TestPdus.sqe;
import static io.nvmegate.protocol.TestPdus.toArray;
import static org.assertj.core.api.Assertions.assertThat;

/** Encode/decode round trips and wire layout checks against NVMe/TCP 1.0 section 3.6.2. */
class PduCodecTest {

    static List<Pdu> samplePdus() {
        List<Pdu> l = new ArrayList<>();
        l.add(new Pdu.ICReq(0, 0, true, false, 0));
        l.add(new Pdu.ICReq(0, 3, false, true, 7));
        l.add(new Pdu.ICResp(0, 0, true, true, 0x400000));
        l.add(new Pdu.ICResp(0, 0, false, false, 4096));
        l.add(new Pdu.TermReq(true, PduException.FES_INVALID_HEADER_FIELD, 2, ByteBuffer.allocate(0)));
        l.add(new Pdu.TermReq(true, PduException.FES_HEADER_DIGEST_ERROR, 0, bytes(24, 1)));
        l.add(new Pdu.TermReq(false, PduException.FES_DATA_OUT_OF_RANGE, 12, bytes(128, 2)));
        l.add(new Pdu.TermReq(false, PduException.FES_PDU_SEQUENCE_ERROR, 0, ByteBuffer.allocate(0)));
        l.add(new Pdu.CapsuleCmd(sqe(Opcodes.IO_READ, 0x1234, 1), ByteBuffer.allocate(0)));
        l.add(new Pdu.CapsuleCmd(sqe(Opcodes.IO_WRITE, 0xFFFF, 7), bytes(4096, 3)));
        l.add(new Pdu.CapsuleCmd(sqe(Opcodes.FABRICS, 0, 0), bytes(1024, 4)));
        l.add(new Pdu.CapsuleCmd(sqe(Opcodes.IO_WRITE, 1, 1), bytes(1, 5)));
        l.add(new Pdu.CapsuleResp(new Cqe(0xDEADBEEF, 0x12345678, 17, 3, 0xABCD, Status.dnr(Status.INVALID_FIELD))));
        l.add(new Pdu.CapsuleResp(new Cqe(0, 0, 0, 0, 0, 0)));
        l.add(new Pdu.H2CData(42, 7, 0, false, bytes(8192, 6)));
        l.add(new Pdu.H2CData(42, 7, 8192, true, bytes(100, 7)));
        l.add(new Pdu.C2HData(9, 0, false, false, bytes(512, 8)));
        l.add(new Pdu.C2HData(9, 512, true, false, bytes(3, 9)));
        l.add(new Pdu.C2HData(9, 1 << 20, true, true, bytes(131072, 10)));
        l.add(new Pdu.R2T(5, 0x8001, 0, 131072));
        l.add(new Pdu.R2T(0xFFFF, 0xFFFF, 0x7FFFFFFF, 1));
        return l;
    }

    static Stream<Arguments> everyPduWithDigests() {
        List<Arguments> a = new ArrayList<>();
        for (Pdu p : samplePdus()) {
            for (int d = 0; d < 4; d++) a.add(Arguments.of(p.type() + "/" + describe(p), p, (d & 1) != 0, (d & 2) != 0));
        }
        return a.stream();
    }

    private static String describe(Pdu p) {
        String s = p.toString();
        return s.length() > 60 ? s.substring(0, 60) : s;
    }

    @ParameterizedTest(name = "{0} hdgst={2} ddgst={3}")
    @MethodSource("everyPduWithDigests")
    void roundTrip(String name, Pdu pdu, boolean hd, boolean dd) throws Exception {
        ByteBuffer wire = PduCodec.encode(pdu, hd, dd);
        ByteBuffer w = le(wire);
        PduType t = pdu.type();
        int datal = dataLength(pdu);
        boolean hdApplies = hd && t.digestCapable();
        boolean ddApplies = dd && t.digestCapable() && datal > 0;

        // Common header.
        assertThat(w.get(0) & 0xFF).isEqualTo(t.code);
        assertThat(w.get(2) & 0xFF).isEqualTo(t.hlen);
        int plen = w.getInt(4);
        assertThat(plen).isEqualTo(wire.remaining())
                .isEqualTo(t.hlen + (hdApplies ? 4 : 0) + datal + (ddApplies ? 4 : 0));
        int flags = w.get(1) & 0xFF;
        assertThat((flags & PduCodec.FLAG_HDGST) != 0).isEqualTo(hdApplies);
        assertThat((flags & PduCodec.FLAG_DDGST) != 0).isEqualTo(ddApplies);
        boolean isTerm = t == PduType.H2C_TERM_REQ || t == PduType.C2H_TERM_REQ;
        if (datal > 0 && !isTerm) {
            assertThat(w.get(3) & 0xFF).as("PDO").isEqualTo(t.hlen + (hdApplies ? 4 : 0));
        }

        // Digests: CRC-32C, little-endian, right after the header / right after the data.
        if (hdApplies) {
            assertThat(w.getInt(t.hlen)).isEqualTo(Crc32c.of(wire, 0, t.hlen));
        }
        if (ddApplies) {
            int pdo = w.get(3) & 0xFF;
            assertThat(w.getInt(plen - 4)).isEqualTo(Crc32c.of(wire, pdo, datal));
        }

        Pdu back = PduCodec.decode(wire, hd, dd);
        assertSamePdu(back, pdu);

        // encodeParts gives the same bytes as encode, and decoding leaves the input untouched.
        PduCodec.Parts parts = PduCodec.encodeParts(pdu, hd, dd);
        assertThat(parts.length()).isEqualTo(plen);
        assertThat(toArray(parts.join())).isEqualTo(toArray(wire));
        assertThat(wire.position()).isZero();
    }

    private static int dataLength(Pdu p) {
        ByteBuffer d = null;
        if (p instanceof Pdu.CapsuleCmd c) d = c.data();
        if (p instanceof Pdu.H2CData c) d = c.data();
        if (p instanceof Pdu.C2HData c) d = c.data();
        if (p instanceof Pdu.TermReq c) d = c.errorData();
        return d == null ? 0 : d.remaining();
    }

    @Test
    void icReqLayout() throws Exception {
        ByteBuffer w = le(PduCodec.encode(new Pdu.ICReq(0, 0, true, true, 0), true, true));
        assertThat(w.remaining()).isEqualTo(128);
        assertThat(w.get(0)).isEqualTo((byte) 0x00);
        assertThat(w.get(1)).as("ICReq never carries digests").isEqualTo((byte) 0);
        assertThat(w.get(2) & 0xFF).isEqualTo(128);
        assertThat(w.getInt(4)).isEqualTo(128);
        assertThat(w.getShort(8)).isEqualTo((short) 0);  // PFV
        assertThat(w.get(10)).isEqualTo((byte) 0);       // HPDA
        assertThat(w.get(11)).isEqualTo((byte) 0x03);    // DGST: HDGST_ENABLE | DDGST_ENABLE
        assertThat(w.getInt(12)).isEqualTo(0);           // MAXR2T
        for (int i = 16; i < 128; i++) assertThat(w.get(i)).isZero();
    }

    @Test
    void icRespLayout() {
        ByteBuffer w = le(PduCodec.encode(new Pdu.ICResp(0, 0, false, true, 0x400000), true, true));
        assertThat(w.get(0)).isEqualTo((byte) 0x01);
        assertThat(w.getInt(4)).isEqualTo(128);
        assertThat(w.get(10)).isEqualTo((byte) 0);       // CPDA
        assertThat(w.get(11)).isEqualTo((byte) 0x02);    // DGST
        assertThat(w.getInt(12)).isEqualTo(0x400000);    // MAXH2CDATA
    }

    @Test
    void capsuleCmdLayoutWithDigests() throws Exception {
        Sqe s = sqe(Opcodes.IO_WRITE, 0xBEEF, 0x01020304);
        ByteBuffer data = bytes(1000, 11);
        ByteBuffer w = le(PduCodec.encode(new Pdu.CapsuleCmd(s, data), true, true));
        assertThat(w.get(0)).isEqualTo((byte) 0x04);
        assertThat(w.get(1)).isEqualTo((byte) 0x03);
        assertThat(w.get(2) & 0xFF).isEqualTo(72);
        assertThat(w.get(3) & 0xFF).as("PDO").isEqualTo(76);
        assertThat(w.getInt(4)).isEqualTo(72 + 4 + 1000 + 4);
        assertThat(w.get(8) & 0xFF).as("SQE OPC @8").isEqualTo(Opcodes.IO_WRITE);
        assertThat(w.get(9) & 0xFF).as("PSDT=01b").isEqualTo(0x40);
        assertThat(w.getShort(10) & 0xFFFF).as("SQE CID @10").isEqualTo(0xBEEF);
        assertThat(w.getInt(12)).as("SQE NSID @12").isEqualTo(0x01020304);
        assertThat(w.getLong(48)).as("SLBA in CDW10/11 @48").isEqualTo(0x1122334455667788L);
        assertThat(w.get(8 + 39) & 0xFF).as("SGL id @47").isEqualTo(0x5A);
        assertThat(w.getInt(72)).as("HDGST @72").isEqualTo(Crc32c.of(w, 0, 72));
        byte[] inCapsule = new byte[1000];
        w.get(76, inCapsule);
        assertThat(inCapsule).isEqualTo(toArray(data));
        assertThat(w.getInt(76 + 1000)).as("DDGST after data").isEqualTo(Crc32c.of(data));
    }

    @Test
    void capsuleRespLayout() throws Exception {
        int sf = Status.dnr(Status.sct(Status.SCT_COMMAND_SPECIFIC, 0x82));
        ByteBuffer w = le(PduCodec.encode(new Pdu.CapsuleResp(new Cqe(0x10010, 7, 31, 2, 0x4321, sf)), false, false));
        assertThat(w.getInt(4)).isEqualTo(24);
        assertThat(w.getInt(8)).as("DW0 @8").isEqualTo(0x10010);
        assertThat(w.getInt(12)).as("DW1 @12").isEqualTo(7);
        assertThat(w.getShort(16)).as("SQHD @16").isEqualTo((short) 31);
        assertThat(w.getShort(18)).as("SQID @18").isEqualTo((short) 2);
        assertThat(w.getShort(20) & 0xFFFF).as("CID @20").isEqualTo(0x4321);
        assertThat(w.getShort(22) & 0xFFFF).as("status (SF<<1|P) @22").isEqualTo(sf << 1);
        Pdu.CapsuleResp back = (Pdu.CapsuleResp) PduCodec.decode(w, false, false);
        assertThat(back.cqe().status()).isEqualTo(sf);
        assertThat(back.cqe().success()).isFalse();
        assertThat(Status.describe(back.cqe().status())).contains("SC 0x82").contains("DNR");
    }

    @Test
    void h2cDataLayout() {
        ByteBuffer data = bytes(300, 12);
        ByteBuffer w = le(PduCodec.encode(new Pdu.H2CData(0x0102, 0x0304, 0x10000, true, data), true, false));
        assertThat(w.get(0)).isEqualTo((byte) 0x06);
        assertThat(w.get(1) & 0xFF).isEqualTo(PduCodec.FLAG_HDGST | PduCodec.FLAG_LAST_PDU);
        assertThat(w.get(3) & 0xFF).isEqualTo(28);
        assertThat(w.getInt(4)).isEqualTo(24 + 4 + 300);
        assertThat(w.getShort(8)).as("CCCID @8").isEqualTo((short) 0x0102);
        assertThat(w.getShort(10)).as("TTAG @10").isEqualTo((short) 0x0304);
        assertThat(w.getInt(12)).as("DATAO @12").isEqualTo(0x10000);
        assertThat(w.getInt(16)).as("DATAL @16").isEqualTo(300);
        assertThat(w.getInt(20)).as("reserved").isZero();
    }

    @Test
    void c2hDataFlags() throws Exception {
        ByteBuffer data = bytes(64, 13);
        ByteBuffer w = le(PduCodec.encode(new Pdu.C2HData(3, 4096, true, true, data), false, true));
        assertThat(w.get(0)).isEqualTo((byte) 0x07);
        assertThat(w.get(1) & 0xFF).isEqualTo(PduCodec.FLAG_DDGST | PduCodec.FLAG_LAST_PDU | PduCodec.FLAG_SUCCESS);
        assertThat(w.get(3) & 0xFF).isEqualTo(24);
        assertThat(w.getInt(4)).isEqualTo(24 + 64 + 4);
        assertThat(w.getInt(12)).isEqualTo(4096);
        assertThat(w.getInt(16)).isEqualTo(64);
        Pdu.C2HData back = (Pdu.C2HData) PduCodec.decode(w, false, true);
        assertThat(back.last()).isTrue();
        assertThat(back.success()).isTrue();

        ByteBuffer notLast = le(PduCodec.encode(new Pdu.C2HData(3, 0, false, false, data), false, false));
        assertThat(notLast.get(1)).isZero();
        Pdu.C2HData b2 = (Pdu.C2HData) PduCodec.decode(notLast, false, false);
        assertThat(b2.last()).isFalse();
        assertThat(b2.success()).isFalse();
    }

    @Test
    void r2tLayout() {
        ByteBuffer w = le(PduCodec.encode(new Pdu.R2T(0x0A0B, 0x0C0D, 65536, 131072), true, true));
        assertThat(w.get(0)).isEqualTo((byte) 0x09);
        assertThat(w.get(1) & 0xFF).as("no data: only HDGST").isEqualTo(PduCodec.FLAG_HDGST);
        assertThat(w.getInt(4)).isEqualTo(28);
        assertThat(w.getShort(8)).isEqualTo((short) 0x0A0B);
        assertThat(w.getShort(10)).isEqualTo((short) 0x0C0D);
        assertThat(w.getInt(12)).as("R2TO @12").isEqualTo(65536);
        assertThat(w.getInt(16)).as("R2TL @16").isEqualTo(131072);
    }

    @Test
    void termReqLayoutNeverHasDigests() throws Exception {
        ByteBuffer hdr = bytes(72, 14);
        ByteBuffer w = le(PduCodec.encode(new Pdu.TermReq(false, PduException.FES_HEADER_DIGEST_ERROR, 0x01020304, hdr), true, true));
        assertThat(w.get(0)).isEqualTo((byte) 0x03);
        assertThat(w.get(1)).isZero();
        assertThat(w.get(2) & 0xFF).isEqualTo(24);
        assertThat(w.getInt(4)).isEqualTo(24 + 72);
        assertThat(w.getShort(8)).as("FES @8").isEqualTo((short) 3);
        assertThat(w.getInt(10)).as("FEI @10").isEqualTo(0x01020304);
        Pdu.TermReq back = (Pdu.TermReq) PduCodec.decode(w, true, true);
        assertThat(back.errorData()).isEqualTo(hdr);
    }

    @Test
    void termReqErrorDataIsCappedAt128Bytes() throws Exception {
        ByteBuffer w = PduCodec.encode(new Pdu.TermReq(true, 1, 0, bytes(500, 15)), false, false);
        assertThat(le(w).getInt(4)).isEqualTo(24 + PduCodec.TERM_REQ_MAX_DATA);
        Pdu.TermReq back = (Pdu.TermReq) PduCodec.decode(w, false, false);
        assertThat(back.errorData().remaining()).isEqualTo(128);
    }

    @Test
    void crc32cKnownAnswerAndLittleEndianPlacement() {
        ByteBuffer check = ByteBuffer.wrap("123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(Crc32c.of(check)).isEqualTo(0xE3069283); // CRC-32C check value (RFC 3720 B.4)
        ByteBuffer w = PduCodec.encode(new Pdu.H2CData(1, 1, 0, true, check), false, true);
        int end = w.remaining();
        // 0xE3069283 little-endian on the wire: 83 92 06 E3.
        assertThat(new byte[] {w.get(end - 4), w.get(end - 3), w.get(end - 2), w.get(end - 1)})
                .containsExactly(0x83, 0x92, 0x06, 0xE3);
    }

    @Test
    void encodeDoesNotConsumeCallerBuffers() {
        ByteBuffer data = bytes(100, 16).position(10);
        PduCodec.encode(new Pdu.H2CData(1, 1, 0, true, data), true, true);
        assertThat(data.position()).isEqualTo(10);
        PduCodec.Parts p = PduCodec.encodeParts(new Pdu.H2CData(1, 1, 0, true, data), false, false);
        assertThat(p.data().remaining()).isEqualTo(90);
        assertThat(p.dataDigest().remaining()).isZero();
        assertThat(p.header().remaining()).isEqualTo(24);
    }

    @Test
    void decodeRespectsSourcePositionAndByteOrder() throws Exception {
        ByteBuffer pdu = PduCodec.encode(new Pdu.R2T(1, 2, 3, 4), false, false);
        ByteBuffer big = ByteBuffer.allocate(100).order(ByteOrder.BIG_ENDIAN);
        big.position(30).put(pdu).flip().position(30);
        Pdu back = PduCodec.decode(big, false, false);
        assertThat(back).isEqualTo(new Pdu.R2T(1, 2, 3, 4));
    }
}
