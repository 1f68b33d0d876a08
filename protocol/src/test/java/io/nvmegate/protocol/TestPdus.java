package io.nvmegate.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Builders and comparison helpers shared by the protocol tests. */
final class TestPdus {
    private TestPdus() {}

    static ByteBuffer bytes(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) r.nextInt(256);
        return ByteBuffer.wrap(b);
    }

    static Sqe sqe(int opcode, int cid, int nsid) {
        Sqe s = Sqe.allocate().opcode(opcode).cid(cid).nsid(nsid);
        s.slba(0x1122334455667788L).nlb(8).cdw(13, 0xCAFEBABE).cdw(15, 0x01020304);
        s.sglAddress(0).sglLength(4096).sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK);
        return s;
    }

    static byte[] toArray(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return a;
    }

    static ByteBuffer le(ByteBuffer b) {
        return b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Asserts two PDUs are equal field by field (SQEs by their 64 bytes, data by content). */
    static void assertSamePdu(Pdu actual, Pdu expected) {
        assertThat(actual.type()).isEqualTo(expected.type());
        if (expected instanceof Pdu.CapsuleCmd e) {
            Pdu.CapsuleCmd a = (Pdu.CapsuleCmd) actual;
            assertThat(toArray(a.sqe().buffer())).isEqualTo(toArray(e.sqe().buffer()));
            assertThat(toArray(a.data())).isEqualTo(e.data() == null ? new byte[0] : toArray(e.data()));
        } else if (expected instanceof Pdu.TermReq e) {
            Pdu.TermReq a = (Pdu.TermReq) actual;
            assertThat(a.hostToController()).isEqualTo(e.hostToController());
            assertThat(a.fes()).isEqualTo(e.fes());
            assertThat(a.fei()).isEqualTo(e.fei());
            assertThat(toArray(a.errorData())).isEqualTo(e.errorData() == null ? new byte[0] : toArray(e.errorData()));
        } else {
            // Records with ByteBuffer components: ByteBuffer.equals compares the remaining bytes.
            assertThat(actual).isEqualTo(expected);
        }
    }

    /** A random PDU that the given side receives. */
    static Pdu randomPdu(SplittableRandom r, boolean receivedByController) {
        int kind = r.nextInt(receivedByController ? 4 : 5);
        int cid = r.nextInt(0x10000);
        if (receivedByController) {
            switch (kind) {
                case 0: return new Pdu.ICReq(0, 0, r.nextBoolean(), r.nextBoolean(), 0);
                case 1: return new Pdu.TermReq(true, 1 + r.nextInt(6), r.nextInt(), r.nextBoolean() ? bytes(r.nextInt(1, 129), r.nextLong()) : ByteBuffer.allocate(0));
                case 2: return new Pdu.CapsuleCmd(sqe(r.nextInt(256), cid, r.nextInt()), r.nextInt(3) == 0 ? ByteBuffer.allocate(0) : bytes(dataLen(r), r.nextLong()));
                default: return new Pdu.H2CData(cid, r.nextInt(0x10000), r.nextInt(1 << 24), r.nextBoolean(), bytes(dataLen(r), r.nextLong()));
            }
        }
        switch (kind) {
            case 0: return new Pdu.ICResp(0, 0, r.nextBoolean(), r.nextBoolean(), 4096 * r.nextInt(1, 1024));
            case 1: return new Pdu.TermReq(false, 1 + r.nextInt(6), r.nextInt(), r.nextBoolean() ? bytes(r.nextInt(1, 129), r.nextLong()) : ByteBuffer.allocate(0));
            case 2: return new Pdu.CapsuleResp(new Cqe(r.nextInt(), r.nextInt(), r.nextInt(0x10000), r.nextInt(0x10000), cid, r.nextInt(0x8000)));
            case 3: {
                boolean last = r.nextBoolean();
                return new Pdu.C2HData(cid, r.nextInt(1 << 24), last, last && r.nextBoolean(), bytes(dataLen(r), r.nextLong()));
            }
            default: return new Pdu.R2T(cid, r.nextInt(0x10000), r.nextInt(1 << 24), r.nextInt(1, 1 << 24));
        }
    }

    private static int dataLen(SplittableRandom r) {
        switch (r.nextInt(4)) {
            case 0: return r.nextInt(1, 8);
            case 1: return r.nextInt(1, 512);
            case 2: return 4096;
            default: return r.nextInt(1, 70_000);
        }
    }
}
