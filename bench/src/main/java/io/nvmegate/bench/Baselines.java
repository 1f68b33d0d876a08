package io.nvmegate.bench;

import io.nvmegate.storage.RocksDbBlockStore;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.UUID;

/** The limits nvmegate runs against, measured in the same run as the benchmark. */
public final class Baselines {
    private Baselines() {}

    /**
     * Raw loopback TCP: one connection on 127.0.0.1, {@code chunk}-byte writes for {@code duration}, a reader thread
     * draining the other end. @return MiB/s
     */
    public static double loopbackTcpMiBs(int chunk, Duration duration) throws IOException, InterruptedException {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Thread reader = new Thread(() -> {
                try (SocketChannel s = server.accept()) {
                    ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                    while (s.read(b) >= 0) b.clear();
                } catch (IOException ignored) {
                    // closed
                }
            }, "loopback-reader");
            reader.start();
            long bytes = 0;
            try (SocketChannel c = SocketChannel.open(server.getLocalAddress())) {
                ByteBuffer b = ByteBuffer.allocateDirect(chunk);
                long end = System.nanoTime() + duration.toNanos();
                long t0 = System.nanoTime();
                while (System.nanoTime() < end) {
                    b.clear();
                    while (b.hasRemaining()) bytes += c.write(b);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                c.shutdownOutput();
                reader.join(5_000);
                return bytes / secs / (1 << 20);
            }
        }
    }

    /** RocksDB through the block store the worker uses: single-block puts then gets, one thread. */
    public record RocksRates(double putsPerSecond, double getsPerSecond) {
    }

    public static RocksRates rocksDb(Path dir, int blockSize, long blocks, Duration duration) {
        try (RocksDbBlockStore store = new RocksDbBlockStore(dir)) {
            UUID ns = UUID.randomUUID();
            SplittableRandom rnd = new SplittableRandom(7);
            byte[] data = new byte[blockSize];
            rnd.nextBytes(data);
            Buffer block = Buffer.buffer(data);
            long n = 0;
            long end = System.nanoTime() + duration.toNanos(), t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                store.write(ns, blockSize, rnd.nextLong(blocks), 1, block, false);
                n++;
            }
            double puts = n / ((System.nanoTime() - t0) / 1e9);
            n = 0;
            end = System.nanoTime() + duration.toNanos();
            t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                store.read(ns, blockSize, rnd.nextLong(blocks), 1);
                n++;
            }
            double gets = n / ((System.nanoTime() - t0) / 1e9);
            return new RocksRates(puts, gets);
        }
    }
}
