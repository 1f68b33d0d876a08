package io.nvmegate.metrics;

import java.time.Duration;

/** Histogram bucket boundaries shared by nvmegate's latency histograms. */
final class Buckets {
    private Buckets() {}

    /** 50 µs .. 30 s: from a null-backend round trip on one machine to a stuck RocksDB write stall. */
    static final Duration[] LATENCY = {
            Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};
}
