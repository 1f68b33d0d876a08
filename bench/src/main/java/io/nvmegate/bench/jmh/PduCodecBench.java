package io.nvmegate.bench.jmh;

import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.PduFramer;
import io.nvmegate.protocol.Sqe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/** PDU codec costs: encoding a C2HData, decoding a CapsuleCmd, framing a stream of 4 KiB write capsules. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PduCodecBench {
    @Param({"false", "true"})
    boolean digests;

    @Param({"4096", "131072"})
    int dataBytes;

    ByteBuffer data;
    ByteBuffer capsule;
    ByteBuffer stream;

    @Setup
    public void setup() {
        data = ByteBuffer.allocate(dataBytes);
        Sqe sqe = Sqe.allocate().opcode(0x01).cid(7).nsid(1).sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(4096);
        capsule = PduCodec.encode(new Pdu.CapsuleCmd(sqe, ByteBuffer.allocate(4096)), digests, digests);
        stream = ByteBuffer.allocate(capsule.remaining() * 32);
        for (int i = 0; i < 32; i++) stream.put(capsule.duplicate());
        stream.flip();
    }

    @Benchmark
    public Object encodeC2HData() {
        return PduCodec.encodeParts(new Pdu.C2HData(7, 0, true, false, data.duplicate()), digests, digests);
    }

    @Benchmark
    public Object decodeCapsuleCmd() throws PduException {
        return PduCodec.decode(capsule.duplicate(), digests, digests);
    }

    /** 32 capsules per call, as one read would bring them. */
    @Benchmark
    public void frame32Capsules(Blackhole bh) throws PduException {
        new PduFramer(true, 1 << 20).process(stream.duplicate(), bh::consume);
    }
}
