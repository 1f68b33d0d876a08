package io.nvmegate.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeds of {@link PduFuzzTest} made by the real encoders ({@link PduCodec#encode}, {@link ConnectData#encode}, {@link Sqe}):
 * with {@code -Dfuzz.writeSeeds=true} it (re)writes {@code seed-*} files into the Inputs directories; otherwise it
 * checks that the committed seeds are still what the encoders make (so a change of the wire format that leaves the
 * corpus stale fails here). docs/fuzz-corpus.md.
 */
class PduFuzzSeedsTest {
    static final String HOSTNQN = "nqn.2014-08.org.nvmexpress:uuid:0c0ffee0-0000-4000-8000-0000000000aa";
    static final String SUBNQN = "nqn.2026-12.io.nvmegate:fuzz";

    /** A host's stream: ICReq, admin Connect with its data in-capsule, Property Set CC.EN, Identify, a Write by R2T/H2CData. */
    static byte[] hostStream(boolean hdgst, boolean ddgst) {
        List<ByteBuffer> pdus = new ArrayList<>();
        pdus.add(PduCodec.encode(new Pdu.ICReq(0, 0, hdgst, ddgst, 0), false, false));
        Sqe connect = Sqe.allocate().opcode(Opcodes.FABRICS).cid(1).fctype(Opcodes.FCTYPE_CONNECT).u16(44, 31)
                .u32(48, 30_000).sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(ConnectData.SIZE);
        pdus.add(PduCodec.encode(new Pdu.CapsuleCmd(connect, connectData().encode()), hdgst, ddgst));
        Sqe enable = Sqe.allocate().opcode(Opcodes.FABRICS).cid(2).fctype(Opcodes.FCTYPE_PROPERTY_SET).u32(44, 0x14).u64(48, 1 | 6 << 16 | 4 << 20);
        pdus.add(PduCodec.encode(new Pdu.CapsuleCmd(enable, ByteBuffer.allocate(0)), hdgst, ddgst));
        Sqe identify = Sqe.allocate().opcode(Opcodes.ADMIN_IDENTIFY).cid(3).cdw(10, 1).sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(4096);
        pdus.add(PduCodec.encode(new Pdu.CapsuleCmd(identify, ByteBuffer.allocate(0)), hdgst, ddgst));
        Sqe write = Sqe.allocate().opcode(Opcodes.IO_WRITE).cid(4).nsid(1).slba(8).nlb(2).sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(1024);
        pdus.add(PduCodec.encode(new Pdu.CapsuleCmd(write, ByteBuffer.allocate(0)), hdgst, ddgst));
        pdus.add(PduCodec.encode(new Pdu.H2CData(4, 0, 0, false, ByteBuffer.wrap(pattern(512))), hdgst, ddgst));
        pdus.add(PduCodec.encode(new Pdu.H2CData(4, 0, 512, true, ByteBuffer.wrap(pattern(512))), hdgst, ddgst));
        pdus.add(PduCodec.encode(new Pdu.TermReq(true, PduException.FES_INVALID_HEADER_FIELD, 4, ByteBuffer.allocate(24)), false, false));
        return join(pdus);
    }

    /** A target's stream: ICResp, CapsuleResp, R2T, C2HData (LAST and SUCCESS), C2HTermReq. */
    static byte[] targetStream(boolean hdgst, boolean ddgst) {
        List<ByteBuffer> pdus = new ArrayList<>();
        pdus.add(PduCodec.encode(new Pdu.ICResp(0, 0, hdgst, ddgst, 128 * 1024), false, false));
        pdus.add(PduCodec.encode(new Pdu.CapsuleResp(new Cqe(1, 0, 1, 0, 1, 0)), hdgst, ddgst));
        pdus.add(PduCodec.encode(new Pdu.R2T(4, 0, 0, 1024), hdgst, ddgst));
        pdus.add(PduCodec.encode(new Pdu.C2HData(3, 0, false, false, ByteBuffer.wrap(pattern(2048))), hdgst, ddgst));
        pdus.add(PduCodec.encode(new Pdu.C2HData(3, 2048, true, true, ByteBuffer.wrap(pattern(2048))), hdgst, ddgst));
        pdus.add(PduCodec.encode(new Pdu.TermReq(false, PduException.FES_PDU_SEQUENCE_ERROR, 0, ByteBuffer.allocate(72)), false, false));
        return join(pdus);
    }

    static ConnectData connectData() {
        return new ConnectData(UUID.nameUUIDFromBytes(HOSTNQN.getBytes()), ConnectData.DYNAMIC_CNTLID, SUBNQN, HOSTNQN);
    }

    /** The seeds by name and input. */
    static Map<String, byte[]> framerSeeds() {
        Map<String, byte[]> s = new java.util.TreeMap<>();
        for (int d = 0; d < 4; d++) {
            boolean hd = (d & 1) != 0, dd = (d & 2) != 0;
            String dg = (hd ? "-hdgst" : "") + (dd ? "-ddgst" : "");
            s.put("host-stream" + dg, framerInput(1 | d << 1, 0, hostStream(hd, dd)));
            s.put("host-stream-7-byte-chunks" + dg, framerInput(1 | d << 1, 7, hostStream(hd, dd)));
            s.put("target-stream" + dg, framerInput(d << 1, 0, targetStream(hd, dd)));
        }
        return s;
    }

    /** {@link PduFuzzTest#framerAndDecode}'s input: flags, le16 chunk size, reserved, stream. */
    static byte[] framerInput(int flags, int chunk, byte[] stream) {
        byte[] in = new byte[PduFuzzTest.HEADER + stream.length];
        in[0] = (byte) flags;
        in[1] = (byte) chunk;
        in[2] = (byte) (chunk >> 8);
        System.arraycopy(stream, 0, in, PduFuzzTest.HEADER, stream.length);
        return in;
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + 7);
        return b;
    }

    static byte[] join(List<ByteBuffer> pdus) {
        int n = pdus.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(n);
        pdus.forEach(p -> all.put(p.duplicate()));
        return all.array();
    }

    @Test
    void framerAndDecodeSeeds() {
        check("framerAndDecode", framerSeeds());
    }

    @Test
    void connectDataSeeds() {
        byte[] tooShort = new byte[100];
        check("connectData", Map.of("admin", connectData().encode().array(),
                "io-cntlid-1", new ConnectData(connectData().hostId(), 1, SUBNQN, HOSTNQN).encode().array(),
                "short", tooShort));
    }

    @Test
    void sqeAndCqeSeeds() {
        // FuzzedDataProvider: the SQE and CQE bytes from the front, the status (consumeInt) from the last 4 bytes
        Sqe read = Sqe.allocate().opcode(Opcodes.IO_READ).cid(9).nsid(1).slba(16).nlb(8).sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(4096);
        ByteBuffer in = ByteBuffer.allocate(Sqe.SIZE + Cqe.SIZE + 4);
        in.put(read.buffer());
        new Cqe(0, 0, 5, 1, 9, Status.INVALID_FIELD).write(in);
        in.putInt(Status.INVALID_FIELD);
        check("sqeAndCqe", Map.of("read-invalid-field", in.array()));
    }

    private static void check(String method, Map<String, byte[]> seeds) {
        if (FuzzSeeds.writing()) {
            seeds.forEach((name, input) -> FuzzSeeds.write(PduFuzzTest.class, method, name, input));
            return;
        }
        Map<String, byte[]> committed = FuzzSeeds.read(PduFuzzTest.class, method);
        seeds.forEach((name, input) -> assertThat(committed.get(FuzzSeeds.SEED_PREFIX + name))
                .as("committed seed %s of %s (regenerate: -Dfuzz.writeSeeds=true)", name, method).isEqualTo(input));
    }
}
