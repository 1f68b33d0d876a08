package io.nvmegate.bench.jmh;

import io.nvmegate.storage.RocksDbBlockStore;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The block worker's RocksDB store: writes and reads of 1 and 32 blocks (4 KiB) over a pre-filled 256 MiB range. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class BlockStoreBench {
    static final int BS = 4096;
    static final long BLOCKS = (256L << 20) / BS;

    @Param({"1", "32"})
    int nlb;

    RocksDbBlockStore store;
    UUID ns = UUID.randomUUID();
    Buffer data;
    SplittableRandom rnd = new SplittableRandom(3);
    Path dir;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        dir = Files.createTempDirectory("nvmegate-jmh");
        store = new RocksDbBlockStore(dir);
        byte[] b = new byte[BS * 256];
        rnd.nextBytes(b);
        Buffer chunk = Buffer.buffer(b);
        for (long lba = 0; lba < BLOCKS; lba += 256) store.write(ns, BS, lba, 256, chunk, false);
        byte[] d = new byte[BS * nlb];
        rnd.nextBytes(d);
        data = Buffer.buffer(d);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public void write() {
        store.write(ns, BS, rnd.nextLong(BLOCKS - nlb), nlb, data, false);
    }

    @Benchmark
    public Object read() {
        return store.read(ns, BS, rnd.nextLong(BLOCKS - nlb), nlb);
    }
}
