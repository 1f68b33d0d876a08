package io.nvmegate.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** nvmegate's per-command meters: the labels docs/metrics.md lists, and recording without allocating. */
class CommandMetersTest {
    private static final String NQN = "nqn.2026-11.io.nvmegate:meters";

    private enum Op { READ, WRITE }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NodeMetrics metrics = new NodeMetrics(registry);

    private static NvmeRequest io(int opcode, int nsid, int length) {
        Buffer data = opcode == Opcodes.IO_WRITE ? Buffer.buffer(new byte[length]) : null;
        return new NvmeRequest(Sqe.allocate().opcode(opcode).nsid(nsid), data, length, 1, null);
    }

    private static void complete(QueueMetrics q, NvmeRequest r, int status) {
        q.started(r);
        q.completed(r, status);
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void labelsAreThoseOfDocsMetricsMd() {
        QueueMetrics admin = metrics.role(NodeMetrics.GATEWAY).connectionOpened();
        admin.bound(0, NQN);
        QueueMetrics q = metrics.role(NodeMetrics.GATEWAY).connectionOpened();
        q.bound(1, NQN);
        for (int i = 0; i < 3; i++) complete(q, io(Opcodes.IO_READ, 1, 8192), Status.SUCCESS);
        complete(q, io(Opcodes.IO_WRITE, 2, 4096), Status.SUCCESS);
        complete(q, io(Opcodes.IO_READ, 1, 4096), Status.LBA_OUT_OF_RANGE);
        complete(q, io(Opcodes.IO_READ, 7, 4096), Status.dnr(Status.INVALID_NAMESPACE));
        complete(q, io(Opcodes.IO_FLUSH, 0xFFFFFFFF, 0), Status.SUCCESS);
        complete(admin, new NvmeRequest(Sqe.allocate().opcode(Opcodes.ADMIN_IDENTIFY).nsid(1), null, 4096, 0, null), Status.SUCCESS);
        complete(admin, new NvmeRequest(Sqe.allocate().opcode(0xC3), null, 0, 0, null), Status.INVALID_OPCODE);

        String[] gw = {"role", "gateway", "subsystem", NQN};
        assertThat(count("nvmegate.commands", concat(gw, "nsid", "1", "opcode", "read", "status", "success"))).isEqualTo(3);
        assertThat(count("nvmegate.commands", concat(gw, "nsid", "2", "opcode", "write", "status", "success"))).isEqualTo(1);
        assertThat(count("nvmegate.commands", concat(gw, "nsid", "1", "opcode", "read", "status", "lba_out_of_range"))).isEqualTo(1);
        assertThat(count("nvmegate.commands", concat(gw, "nsid", "7", "opcode", "read", "status", "invalid_namespace"))).isEqualTo(1);
        assertThat(count("nvmegate.commands", concat(gw, "nsid", "all", "opcode", "flush", "status", "success"))).isEqualTo(1);
        assertThat(count("nvmegate.commands", concat(gw, "nsid", "", "opcode", "identify", "status", "success"))).isEqualTo(1);
        assertThat(count("nvmegate.commands", concat(gw, "nsid", "", "opcode", "admin_0xc3", "status", "invalid_opcode"))).isEqualTo(1);
        assertThat(count("nvmegate.bytes.read", concat(gw, "nsid", "1"))).isEqualTo(3 * 8192);
        assertThat(count("nvmegate.bytes.written", concat(gw, "nsid", "2"))).isEqualTo(4096);
        assertThat(registry.find("nvmegate.bytes.read").tag("nsid", "7").counter()).as("failed reads return no bytes").isNull();
        assertThat(registry.get("nvmegate.command.duration").tags(concat(gw, "opcode", "read")).timer().count()).isEqualTo(5);
        assertThat(registry.get("nvmegate.command.duration").tags(concat(gw, "opcode", "identify")).timer().count()).isEqualTo(1);

        metrics.eventBus().roundTrip(Op.WRITE, "success", System.nanoTime());
        metrics.eventBus().roundTrip(Op.WRITE, "error", System.nanoTime());
        metrics.eventBus().roundTrip(Op.READ, false, System.nanoTime());
        metrics.eventBus().roundTrip(null, true, System.nanoTime());
        metrics.storage().record(Op.READ, "rocksdb", true, System.nanoTime());
        metrics.storage().record(Op.READ, "null", false, System.nanoTime());
        String scrape = registry.scrape();
        assertThat(scrape).contains(
                "nvmegate_eventbus_round_trip_seconds_count{op=\"write\",outcome=\"success\"} 1",
                "nvmegate_eventbus_round_trip_seconds_count{op=\"write\",outcome=\"error\"} 1",
                "nvmegate_eventbus_round_trip_seconds_count{op=\"read\",outcome=\"error\"} 1",
                "nvmegate_eventbus_round_trip_seconds_count{op=\"unknown\",outcome=\"success\"} 1",
                "nvmegate_storage_duration_seconds_count{backend=\"rocksdb\",op=\"read\",outcome=\"success\"} 1",
                "nvmegate_storage_duration_seconds_count{backend=\"null\",op=\"read\",outcome=\"error\"} 1");
    }

    @Test
    void nsidsBeyondTheCapAreOther() {
        QueueMetrics q = metrics.role(NodeMetrics.GATEWAY).connectionOpened();
        q.bound(1, NQN);
        for (int nsid = 1; nsid <= CommandMeters.MAX_NSIDS + 5; nsid++) complete(q, io(Opcodes.IO_READ, nsid, 512), Status.SUCCESS);
        complete(q, io(Opcodes.IO_READ, CommandMeters.MAX_NSIDS + 1, 512), Status.SUCCESS);
        complete(q, io(Opcodes.IO_READ, 1, 512), Status.SUCCESS);
        assertThat(count("nvmegate.commands", "nsid", LabelLimiter.OTHER, "opcode", "read", "status", "success")).isEqualTo(6);
        assertThat(count("nvmegate.commands", "nsid", "1", "opcode", "read", "status", "success")).isEqualTo(2);
        assertThat(count("nvmegate.commands", "nsid", String.valueOf(CommandMeters.MAX_NSIDS), "opcode", "read", "status", "success")).isEqualTo(1);
        assertThat(registry.find("nvmegate.commands").tag("nsid", String.valueOf(CommandMeters.MAX_NSIDS + 1)).counter()).isNull();
    }

    /**
     * Once a queue's meters exist, recording a successful command (commands, duration, bytes), an event-bus round
     * trip and a store call allocates nothing: no label keys, no NSID strings, no lambdas (it used to allocate
     * a few hundred bytes per command).
     */
    @Test
    void recordingACommandDoesNotAllocate() {
        QueueMetrics q = metrics.role(NodeMetrics.GATEWAY).connectionOpened();
        q.bound(1, NQN);
        NvmeRequest[] rs = {io(Opcodes.IO_READ, 1, 4096), io(Opcodes.IO_WRITE, 2, 4096), io(Opcodes.IO_READ, 300, 4096)};
        Op[] ops = Op.values();
        Runnable burst = () -> {
            for (int i = 0; i < 20_000; i++) {
                complete(q, rs[i % rs.length], Status.SUCCESS);
                metrics.eventBus().roundTrip(ops[i & 1], "success", 0L);
                metrics.storage().record(ops[i & 1], "rocksdb", true, 0L);
            }
        };
        burst.run(); // meters created, classes loaded
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        burst.run();
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated / 20_000).as("bytes allocated per command (%d in all)", allocated).isLessThan(8);
        assertThat(count("nvmegate.commands", "nsid", "300", "opcode", "read", "status", "success")).isGreaterThan(13_000);
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
