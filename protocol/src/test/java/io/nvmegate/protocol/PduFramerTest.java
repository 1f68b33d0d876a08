package io.nvmegate.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.nvmegate.protocol.TestPdus.assertSamePdu;
import static io.nvmegate.protocol.TestPdus.toArray;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link PduFramer} must reassemble identical PDUs in order under any TCP segmentation. */
class PduFramerTest {

    private static final int MAX = 1 << 20;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 42, 1234, 99991, 0xC0FFEEL, 0xDEADBEEFL, 31337, 8675309,
            271828, 314159, 1L << 40, -1, Long.MIN_VALUE})
    void randomSegmentation(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        boolean controllerSide = r.nextBoolean();
        boolean hd = r.nextBoolean();
        boolean dd = r.nextBoolean();
        int count = 150 + r.nextInt(150);

        List<Pdu> pdus = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            Pdu p = TestPdus.randomPdu(r, controllerSide);
            byte[] e = toArray(PduCodec.encode(p, hd, dd));
            pdus.add(p);
            encoded.add(e);
            stream.write(e);
        }
        byte[] all = stream.toByteArray();

        PduFramer framer = new PduFramer(controllerSide, MAX);
        List<byte[]> out = new ArrayList<>();
        // One reused input buffer, overwritten before every read, like a socket read loop: any PDU the framer
        // hands out must be consumed before the next feed.
        ByteBuffer in = ByteBuffer.allocate(200_000);
        int pos = 0;
        int oneByteChunks = 0;
        while (pos < all.length) {
            int n;
            switch (r.nextInt(5)) {
                case 0: n = 1; oneByteChunks++; break;
                case 1: n = r.nextInt(1, 9); break;
                case 2: n = r.nextInt(1, 200); break;
                case 3: n = r.nextInt(1, 8192); break;
                default: n = r.nextInt(1, 200_000); break; // often several whole PDUs
            }
            n = Math.min(n, all.length - pos);
            in.clear();
            in.put(all, pos, n).flip();
            pos += n;
            framer.feed(in, b -> out.add(toArray(b)));
            assertThat(in.hasRemaining()).isFalse();
            java.util.Arrays.fill(in.array(), (byte) 0x5A);
        }
        assertThat(oneByteChunks).isPositive();
        assertThat(framer.idle()).isTrue();
        assertThat(out).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(out.get(i)).as("PDU %d", i).isEqualTo(encoded.get(i));
            assertSamePdu(PduCodec.decode(ByteBuffer.wrap(out.get(i)), hd, dd), pdus.get(i));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {10, 20, 30})
    void oneByteAtATime(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> encoded = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 40; i++) {
            byte[] e = toArray(PduCodec.encode(TestPdus.randomPdu(r, false), true, true));
            encoded.add(e);
            stream.write(e);
        }
        PduFramer framer = new PduFramer(false, MAX);
        List<byte[]> out = new ArrayList<>();
        for (byte b : stream.toByteArray()) {
            framer.feed(ByteBuffer.wrap(new byte[] {b}), x -> out.add(toArray(x)));
        }
        assertThat(out).containsExactlyElementsOf(encoded);
    }

    @Test
    void wholeStreamInOneRead() throws Exception {
        SplittableRandom r = new SplittableRandom(77);
        List<byte[]> encoded = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            byte[] e = toArray(PduCodec.encode(TestPdus.randomPdu(r, true), false, true));
            encoded.add(e);
            stream.write(e);
        }
        PduFramer framer = new PduFramer(true, MAX);
        List<byte[]> out = new ArrayList<>();
        framer.feed(ByteBuffer.wrap(stream.toByteArray()), x -> out.add(toArray(x)));
        assertThat(out).containsExactlyElementsOf(encoded);
        assertThat(framer.idle()).isTrue();
    }

    @Test
    void partialPduIsNotIdle() throws Exception {
        byte[] e = toArray(PduCodec.encode(new Pdu.R2T(1, 2, 3, 4), false, false));
        PduFramer framer = new PduFramer(false, MAX);
        List<byte[]> out = new ArrayList<>();
        framer.feed(ByteBuffer.wrap(e, 0, 5), x -> out.add(toArray(x)));
        assertThat(framer.idle()).isFalse();
        framer.feed(ByteBuffer.wrap(e, 5, 10), x -> out.add(toArray(x)));
        assertThat(framer.idle()).isFalse();
        assertThat(out).isEmpty();
        framer.feed(ByteBuffer.wrap(e, 15, e.length - 15), x -> out.add(toArray(x)));
        assertThat(framer.idle()).isTrue();
        assertThat(out).containsExactly(e);
    }
}
