package io.nvmegate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Raw loopback TCP pinned like the benchmark's target and initiator: the sender is a small JVM (this class's
 * {@link #main}) on the target's CPUs writing {@code chunk}-byte buffers for a number of seconds, as the target
 * sends C2HData; the receiver is this JVM (the initiator's CPUs) draining into a 1 MiB direct buffer. The rate is
 * the bytes received from one second after the first byte (the sender JVM's JIT compiler threads share its CPU at
 * first) to end of stream. The reference of "% of raw loopback".
 */
public final class PinnedLoopback {
    private PinnedLoopback() {}

    /** Seconds the sender runs before the receiver counts. */
    static final int WARMUP_SECONDS = 1;

    /** Sender: {@code PinnedLoopback PORT CHUNK SECONDS}. */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]), chunk = Integer.parseInt(args[1]);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            c.socket().setTcpNoDelay(true);
            ByteBuffer b = ByteBuffer.allocateDirect(chunk);
            while (System.nanoTime() < end) {
                b.clear();
                while (b.hasRemaining()) c.write(b);
            }
        }
    }

    /** The best of {@code runs} measurements of {@code duration} each (a capacity: interference only lowers it). */
    public static double best(String cpus, int chunk, Duration duration, int runs) throws IOException, InterruptedException {
        double best = 0;
        for (int i = 0; i < runs; i++) best = Math.max(best, mibPerSecond(cpus, chunk, duration));
        return best;
    }

    /**
     * @param cpus     CPUs of the sender JVM (taskset list; blank: not pinned)
     * @return MiB/s received
     */
    public static double mibPerSecond(String cpus, int chunk, Duration duration) throws IOException, InterruptedException {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            List<String> cmd = new ArrayList<>(new TargetProcess.Launch(cpus, List.of("-Xmx64m", "-XX:+UseSerialGC"), null)
                    .command(PinnedLoopback.class.getName()));
            cmd.addAll(List.of(Integer.toString(port), Integer.toString(chunk), Long.toString(WARMUP_SECONDS + duration.toSeconds())));
            Process sender = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (SocketChannel s = server.accept()) {
                ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                long bytes = 0, t0 = 0, from = Long.MAX_VALUE;
                int n;
                while ((n = s.read(b)) >= 0) {
                    long now = System.nanoTime();
                    if (from == Long.MAX_VALUE && n > 0) from = now + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
                    if (t0 == 0 && now >= from) t0 = now; // bytes of this read arrived before t0: not counted
                    else if (t0 != 0) bytes += n;
                    b.clear();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                return t0 == 0 || secs <= 0 ? 0 : bytes / secs / (1 << 20);
            } finally {
                if (!sender.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) sender.destroyForcibly();
            }
        }
    }
}
