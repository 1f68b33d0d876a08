package io.nvmegate.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the bytes a peer controls at the PDU level: the {@link PduFramer} and
 * {@link PduCodec#decode} fed any byte stream in chunks the fuzzer chooses, the 64-byte SQE and 16-byte CQE, and the
 * 1024-byte Connect data. Only the documented exceptions may escape the code under test ({@link PduException} from
 * the framer and the codec, {@link IllegalArgumentException} from {@link ConnectData#decode} for short data); the
 * test catches those, so any other exception (IndexOutOfBounds, NegativeArraySize, BufferUnderflow, OutOfMemory)
 * is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} each method replays its committed inputs
 * ({@code src/test/resources/io/nvmegate/protocol/PduFuzzTestInputs/<method>/}) as a regression test;
 * {@code bench/fuzz.sh} fuzzes. Corpus: docs/fuzz-corpus.md.
 */
class PduFuzzTest {
    /** Largest PLEN the framer accepts in this test: the target's default (MDTS-sized H2CData) is larger, 256 KiB suffices. */
    static final int MAX_PDU = 256 * 1024;

    /** Bytes of the {@link #framerAndDecode} input header before the stream. */
    static final int HEADER = 4;

    /**
     * Input: {@code @0} bit 0 the target's framer (else the host's), bit 1 HDGST, bit 2 DDGST negotiated; {@code @1}
     * le16 chunk size (mod 4096; 0: the whole stream at once); {@code @3} reserved; {@code @4} the stream (seeds from
     * real encoders and recorded sessions: {@code PduFuzzSeedsTest}, {@code TcpQueueFuzzSeedsTest}). Properties: every
     * PDU the framer passes on is exactly its PLEN bytes; the PDUs and the first error are the same whatever the
     * chunking (compared with the whole stream fed at once, and byte by byte); a PDU that decodes re-encodes to a PDU
     * that decodes to the same type.
     */
    @FuzzTest
    void framerAndDecode(byte[] input) {
        if (input.length < HEADER) return;
        boolean controller = (input[0] & 1) != 0;
        boolean hdgst = (input[0] & 2) != 0;
        boolean ddgst = (input[0] & 4) != 0;
        int chunk = ((input[1] & 0xFF) | (input[2] & 0xFF) << 8) % 4096;
        byte[] stream = java.util.Arrays.copyOfRange(input, HEADER, input.length);

        List<byte[]> whole = new ArrayList<>();
        PduException wholeError = feed(new PduFramer(controller, MAX_PDU), stream, Math.max(1, stream.length), whole, hdgst, ddgst);
        for (int size : new int[] {chunk == 0 ? Math.max(1, stream.length) : chunk, 1}) {
            List<byte[]> chunked = new ArrayList<>();
            PduException chunkedError = feed(new PduFramer(controller, MAX_PDU), stream, size, chunked, hdgst, ddgst);
            assertThat(chunked).hasSameSizeAs(whole);
            for (int i = 0; i < whole.size(); i++) assertThat(chunked.get(i)).isEqualTo(whole.get(i));
            assertThat(chunkedError == null).isEqualTo(wholeError == null);
            if (wholeError != null) {
                assertThat(chunkedError.fes).isEqualTo(wholeError.fes);
                assertThat(chunkedError.fei).isEqualTo(wholeError.fei);
            }
        }
    }

    /** Feeds {@code stream} in chunks of {@code chunk} bytes; decodes every PDU; @return the framer's error, if any */
    private static PduException feed(PduFramer framer, byte[] stream, int chunk, List<byte[]> pdus, boolean hdgst, boolean ddgst) {
        int off = 0;
        try {
            while (off < stream.length) {
                int n = Math.min(chunk, stream.length - off);
                framer.process(ByteBuffer.wrap(stream, off, n), pdu -> {
                    int plen = pdu.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(pdu.position() + 4);
                    assertThat(pdu.remaining()).isEqualTo(plen);
                    byte[] copy = new byte[pdu.remaining()];
                    pdu.duplicate().get(copy);
                    pdus.add(copy);
                    decodeAndReencode(pdu, hdgst, ddgst);
                });
                off += n;
            }
            return null;
        } catch (PduException e) {
            return e;
        }
    }

    private static void decodeAndReencode(ByteBuffer raw, boolean hdgst, boolean ddgst) {
        Pdu pdu;
        try {
            pdu = PduCodec.decode(raw.duplicate(), hdgst, ddgst);
        } catch (PduCodec.DataDigestException e) {
            assertThat(e.pdu()).isNotNull();
            return;
        } catch (PduException e) {
            return; // documented: the receiver sends a TermReq
        }
        ByteBuffer again = PduCodec.encode(pdu, hdgst, ddgst);
        try {
            assertThat(PduCodec.decode(again, hdgst, ddgst).type()).isEqualTo(pdu.type());
        } catch (PduException e) {
            throw new AssertionError("re-encoded " + pdu.type() + " does not decode: " + e.getMessage(), e);
        }
        pdu.toString();
        if (pdu instanceof Pdu.CapsuleCmd cmd) cmd.sqe().toString();
        if (pdu instanceof Pdu.CapsuleResp resp) resp.cqe().toString();
    }

    /**
     * A 64-byte SQE and a 16-byte CQE from the fuzzer's bytes (zero-padded): every accessor and the status text work
     * for any value, and a CQE written back equals its bytes except the phase bit (bit 0 of byte 14), which
     * {@link Cqe} does not keep.
     */
    @FuzzTest
    void sqeAndCqe(FuzzedDataProvider data) {
        byte[] s = java.util.Arrays.copyOf(data.consumeBytes(Sqe.SIZE), Sqe.SIZE);
        Sqe sqe = new Sqe(ByteBuffer.wrap(s));
        sqe.opcode(); sqe.fuse(); sqe.psdt(); sqe.cid(); sqe.nsid(); sqe.fctype(); sqe.sglAddress(); sqe.sglLength();
        sqe.sglId(); sqe.slba(); sqe.nlb(); sqe.fua();
        for (int n = 10; n <= 15; n++) sqe.cdw(n);
        assertThat(sqe.toString()).isNotEmpty();
        byte[] again = new byte[Sqe.SIZE];
        sqe.buffer().get(again);
        assertThat(again).isEqualTo(s);

        byte[] c = java.util.Arrays.copyOf(data.consumeBytes(Cqe.SIZE), Cqe.SIZE);
        Cqe cqe = Cqe.read(ByteBuffer.wrap(c));
        cqe.success();
        assertThat(cqe.toString()).isNotEmpty();
        assertThat(Status.describe(data.consumeInt())).isNotNull();
        ByteBuffer out = ByteBuffer.allocate(Cqe.SIZE);
        cqe.write(out);
        c[14] &= (byte) 0xFE;
        assertThat(out.array()).isEqualTo(c);
    }

    /**
     * The Connect data (NVMe-oF 1.1 Figure 21) as a target receives it: fewer than 1024 bytes must fail with
     * {@link IllegalArgumentException}; 1024 or more decode, with NQNs of at most 256 characters, and the decoded
     * value encodes to Connect data that decodes to the same host ID and CNTLID.
     */
    @FuzzTest
    void connectData(FuzzedDataProvider data) {
        byte[] b = data.consumeRemainingAsBytes();
        ConnectData d;
        try {
            d = ConnectData.decode(ByteBuffer.wrap(b));
        } catch (IllegalArgumentException e) {
            assertThat(b.length).isLessThan(ConnectData.SIZE);
            return;
        }
        assertThat(b.length).isGreaterThanOrEqualTo(ConnectData.SIZE);
        assertThat(d.subnqn().length()).isLessThanOrEqualTo(ConnectData.NQN_FIELD);
        assertThat(d.hostnqn().length()).isLessThanOrEqualTo(ConnectData.NQN_FIELD);
        assertThat(d.cntlid()).isBetween(0, 0xFFFF);
        ConnectData again = ConnectData.decode(d.encode());
        assertThat(again.hostId()).isEqualTo(d.hostId());
        assertThat(again.cntlid()).isEqualTo(d.cntlid());
        assertThat(again.hostId()).isInstanceOf(UUID.class);
    }
}
