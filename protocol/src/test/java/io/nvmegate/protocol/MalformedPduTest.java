package io.nvmegate.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.nvmegate.protocol.TestPdus.bytes;
import static io.nvmegate.protocol.TestPdus.sqe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Malformed input must be rejected with the Fatal Error Status / Information of NVMe/TCP 1.0 section 3.6.2.4. */
class MalformedPduTest {

    private static PduException framerError(boolean controllerSide, int max, ByteBuffer input) {
        PduFramer f = new PduFramer(controllerSide, max);
        return catchThrowableOfType(PduException.class, () -> f.feed(input, b -> { }));
    }

    private static PduException decodeError(ByteBuffer pdu, boolean hd, boolean dd) {
        return catchThrowableOfType(PduException.class, () -> PduCodec.decode(pdu, hd, dd));
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void unknownType() {
        ByteBuffer b = le(PduCodec.encode(new Pdu.R2T(1, 1, 0, 4096), false, false));
        b.put(0, (byte) 0x08);
        PduException f = framerError(false, 1 << 20, b.duplicate());
        assertThat(f.fes).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
        assertThat(f.fei).isEqualTo(0);
        PduException d = decodeError(b, false, false);
        assertThat(d.fes).isEqualTo(1);
        assertThat(d.fei).isEqualTo(0);
        b.put(0, (byte) 0x7F);
        assertThat(framerError(true, 1 << 20, b.duplicate()).fes).isEqualTo(1);
    }

    @Test
    void badHlen() {
        ByteBuffer b = le(PduCodec.encode(new Pdu.CapsuleCmd(sqe(1, 1, 1), ByteBuffer.allocate(0)), false, false));
        b.put(2, (byte) 24);
        PduException f = framerError(true, 1 << 20, b.duplicate());
        assertThat(f.fes).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
        assertThat(f.fei).as("offset of HLEN").isEqualTo(2);
        PduException d = decodeError(b, false, false);
        assertThat(d.fes).isEqualTo(1);
        assertThat(d.fei).isEqualTo(2);
    }

    @Test
    void badHlenSeenWithOnlyTheCommonHeader() {
        // The framer checks the 8-byte common header before the rest of the PDU arrives.
        ByteBuffer b = le(PduCodec.encode(new Pdu.ICReq(0, 0, false, false, 0), false, false));
        b.put(2, (byte) 127);
        PduException f = framerError(true, 1 << 20, b.slice(0, 8));
        assertThat(f.fes).isEqualTo(1);
        assertThat(f.fei).isEqualTo(2);
    }

    @Test
    void plenBelowHlen() {
        ByteBuffer b = le(PduCodec.encode(new Pdu.CapsuleResp(new Cqe(0, 0, 0, 0, 1, 0)), false, false));
        b.putInt(4, 23);
        PduException f = framerError(false, 1 << 20, b.duplicate());
        assertThat(f.fes).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
        assertThat(f.fei).as("offset of PLEN").isEqualTo(4);
    }

    @Test
    void plenAboveMaximum() {
        ByteBuffer b = le(PduCodec.encode(new Pdu.C2HData(1, 0, true, false, bytes(5000, 1)), false, false));
        PduException f = framerError(false, 4096, b.duplicate());
        assertThat(f.fes).isEqualTo(PduException.FES_DATA_LIMIT_EXCEEDED);
        assertThat(f.fei).isEqualTo(4);
        // PLEN 0xFFFFFFF8 (unsigned, beyond any maximum) is rejected at the PLEN field as a data limit error.
        b.putInt(4, -8);
        PduException huge = framerError(false, Integer.MAX_VALUE, b.duplicate());
        assertThat(huge.fes).isEqualTo(PduException.FES_DATA_LIMIT_EXCEEDED);
        assertThat(huge.fei).isEqualTo(4);
    }

    @Test
    void plenNotMatchingBufferOnDecode() {
        ByteBuffer b = le(PduCodec.encode(new Pdu.R2T(1, 1, 0, 4096), false, false));
        b.putInt(4, 28);
        PduException d = decodeError(b, false, false);
        assertThat(d.fes).isEqualTo(1);
        assertThat(d.fei).isEqualTo(4);
    }

    @Test
    void wrongDirection() {
        ByteBuffer r2t = PduCodec.encode(new Pdu.R2T(1, 1, 0, 4096), false, false);
        PduException f = framerError(true, 1 << 20, r2t);
        assertThat(f.fes).isEqualTo(PduException.FES_PDU_SEQUENCE_ERROR);
        assertThat(f.fei).isEqualTo(0);

        ByteBuffer cmd = PduCodec.encode(new Pdu.CapsuleCmd(sqe(1, 1, 1), ByteBuffer.allocate(0)), false, false);
        assertThat(framerError(false, 1 << 20, cmd).fes).isEqualTo(PduException.FES_PDU_SEQUENCE_ERROR);
        ByteBuffer icresp = PduCodec.encode(new Pdu.ICResp(0, 0, false, false, 4096), false, false);
        assertThat(framerError(true, 1 << 20, icresp).fes).isEqualTo(PduException.FES_PDU_SEQUENCE_ERROR);
        ByteBuffer h2cTerm = PduCodec.encode(new Pdu.TermReq(true, 1, 0, null), false, false);
        assertThat(framerError(false, 1 << 20, h2cTerm).fes).isEqualTo(PduException.FES_PDU_SEQUENCE_ERROR);
    }

    @Test
    void headerDigestMismatch() {
        ByteBuffer b = le(PduCodec.encode(new Pdu.CapsuleCmd(sqe(1, 77, 1), bytes(512, 2)), true, true));
        b.put(10, (byte) 78); // flip the CID: header digest no longer matches
        PduException d = decodeError(b, true, true);
        assertThat(d).isNotInstanceOf(PduCodec.DataDigestException.class);
        assertThat(d.fes).isEqualTo(PduException.FES_HEADER_DIGEST_ERROR);

        ByteBuffer r = le(PduCodec.encode(new Pdu.CapsuleResp(new Cqe(0, 0, 0, 0, 1, 0)), true, false));
        r.putInt(24, r.getInt(24) ^ 1); // corrupt the digest itself
        assertThat(decodeError(r, true, false).fes).isEqualTo(PduException.FES_HEADER_DIGEST_ERROR);
    }

    @Test
    void dataDigestMismatch() {
        ByteBuffer b = le(PduCodec.encode(new Pdu.H2CData(1, 1, 0, true, bytes(4096, 3)), true, true));
        int pdo = b.get(3) & 0xFF;
        b.put(pdo + 100, (byte) (b.get(pdo + 100) ^ 0x40));
        PduException d = decodeError(b, true, true);
        assertThat(d).isInstanceOf(PduCodec.DataDigestException.class);

        ByteBuffer c = le(PduCodec.encode(new Pdu.C2HData(1, 0, true, false, bytes(10, 4)), false, true));
        c.putInt(c.limit() - 4, c.getInt(c.limit() - 4) + 1);
        assertThat(decodeError(c, false, true)).isInstanceOf(PduCodec.DataDigestException.class);
    }

    @Test
    void headerDigestFlagMissingWhenNegotiated() {
        ByteBuffer b = PduCodec.encode(new Pdu.CapsuleResp(new Cqe(0, 0, 0, 0, 1, 0)), false, false);
        PduException d = decodeError(b, true, false);
        assertThat(d.fes).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
        assertThat(d.fei).as("offset of FLAGS").isEqualTo(1);
        // And the converse: a digest that was not negotiated.
        ByteBuffer h = PduCodec.encode(new Pdu.R2T(1, 1, 0, 8), true, false);
        PduException d2 = decodeError(h, false, false);
        assertThat(d2.fes).isEqualTo(1);
        assertThat(d2.fei).isEqualTo(1);
    }

    @Test
    void dataDigestFlagMissingWhenNegotiated() {
        ByteBuffer b = PduCodec.encode(new Pdu.H2CData(1, 1, 0, true, bytes(64, 5)), false, false);
        PduException d = decodeError(b, false, true);
        assertThat(d.fes).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
        assertThat(d.fei).isEqualTo(1);
    }

    @Test
    void datalInconsistentWithPlen() {
        ByteBuffer b = le(PduCodec.encode(new Pdu.H2CData(1, 1, 0, true, bytes(64, 6)), false, false));
        b.putInt(16, 65);
        PduException d = decodeError(b, false, false);
        assertThat(d.fes).isEqualTo(PduException.FES_INVALID_HEADER_FIELD);
        assertThat(d.fei).as("offset of DATAL").isEqualTo(16);

        ByteBuffer c = le(PduCodec.encode(new Pdu.C2HData(1, 0, true, false, bytes(64, 7)), true, true));
        c.putInt(16, 32);
        c.putInt(24, Crc32c.of(c, 0, 24)); // keep the header digest valid so DATAL is what fails
        PduException d2 = decodeError(c, true, true);
        assertThat(d2.fes).isEqualTo(1);
        assertThat(d2.fei).isEqualTo(16);
    }

    @Test
    void dataOnPduTypeWithoutData() {
        ByteBuffer r = PduCodec.encode(new Pdu.R2T(1, 1, 0, 8), false, false);
        ByteBuffer grown = ByteBuffer.allocate(r.remaining() + 4).order(ByteOrder.LITTLE_ENDIAN);
        grown.put(r).putInt(0).flip();
        grown.putInt(4, grown.remaining());
        grown.put(3, (byte) 24);
        PduException d = decodeError(grown, false, false);
        assertThat(d.fes).isEqualTo(1);
        assertThat(d.fei).isEqualTo(4);
    }

    @Test
    void badPdo() {
        ByteBuffer b = le(PduCodec.encode(new Pdu.C2HData(1, 0, true, false, bytes(64, 8)), false, false));
        b.put(3, (byte) 8);
        PduException d = decodeError(b, false, false);
        assertThat(d.fes).isEqualTo(1);
        assertThat(d.fei).as("offset of PDO").isEqualTo(3);
    }

    @Test
    void errorStopsTheFramer() {
        // A fatal error is raised once; PDUs before the bad one were already delivered.
        ByteBuffer good = PduCodec.encode(new Pdu.R2T(1, 1, 0, 8), false, false);
        ByteBuffer bad = le(PduCodec.encode(new Pdu.R2T(2, 1, 0, 8), false, false));
        bad.put(2, (byte) 25);
        ByteBuffer both = ByteBuffer.allocate(48).put(good).put(bad).flip();
        java.util.List<ByteBuffer> got = new java.util.ArrayList<>();
        PduFramer f = new PduFramer(false, 1 << 20);
        PduException e = catchThrowableOfType(PduException.class, () -> f.feed(both, got::add));
        assertThat(got).hasSize(1);
        assertThat(e.fei).isEqualTo(2);
    }
}
