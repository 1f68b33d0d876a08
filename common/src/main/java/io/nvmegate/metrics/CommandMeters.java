package io.nvmegate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The per-command meters of one node: {@code nvmegate_commands_total}, {@code nvmegate_command_duration_seconds},
 * {@code nvmegate_bytes_read_total}, {@code nvmegate_bytes_written_total}, {@code nvmegate_aens_sent_total} and
 * {@code nvmegate_discovery_log_reads_total} (see docs/metrics.md). Meters are created on first use and cached;
 * every label comes from a bounded set ({@link CommandLabels}, {@link LabelLimiter}). Thread-safe.
 */
final class CommandMeters {
    /** Most distinct subsystem NQNs labelled per node; more become "other". */
    static final int MAX_SUBSYSTEMS = 64;
    /** Most distinct NSIDs labelled per node; more become "other". */
    static final int MAX_NSIDS = 128;

    private record CountKey(String role, String subsystem, String nsid, String opcode, String status) {}
    private record TimeKey(String role, String subsystem, String opcode) {}
    private record BytesKey(String role, String subsystem, String nsid, boolean read) {}
    private record SubsystemKey(String role, String subsystem) {}

    private final MeterRegistry registry;
    private final LabelLimiter subsystems = new LabelLimiter(MAX_SUBSYSTEMS);
    private final LabelLimiter nsids = new LabelLimiter(MAX_NSIDS);
    private final Map<CountKey, Counter> commands = new ConcurrentHashMap<>();
    private final Map<TimeKey, Timer> durations = new ConcurrentHashMap<>();
    private final Map<BytesKey, Counter> bytes = new ConcurrentHashMap<>();
    private final Map<SubsystemKey, Counter> aens = new ConcurrentHashMap<>();
    private final Map<String, Counter> logReads = new ConcurrentHashMap<>();

    CommandMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @return the subsystem label for {@code nqn} (bounded) */
    String subsystem(String nqn) {
        return nqn == null || nqn.isEmpty() ? "" : subsystems.limit(nqn);
    }

    /** Records one completed command of a queue of {@code role} bound to {@code subsystem} (a label). */
    void completed(String role, String subsystem, NvmeRequest r, int status, long nanos) {
        int qid = r.qid();
        int opcode = r.opcode();
        String op = CommandLabels.opcode(qid, opcode, r.sqe().fctype());
        String nsid = CommandLabels.nsid(qid, opcode, r.nsid(), nsids);
        boolean ok = (status & 0x7FF) == Status.SUCCESS;
        commands.computeIfAbsent(new CountKey(role, subsystem, nsid, op, CommandLabels.status(status)), k ->
                Counter.builder("nvmegate.commands")
                        .description("NVMe commands completed, by role, subsystem, NSID (I/O commands), opcode and status")
                        .tags("role", k.role, "subsystem", k.subsystem, "nsid", k.nsid, "opcode", k.opcode, "status", k.status)
                        .register(registry)).increment();
        durations.computeIfAbsent(new TimeKey(role, subsystem, op), k ->
                Timer.builder("nvmegate.command.duration")
                        .description("Time from a command (with its data) received to its completion sent, by role, subsystem and opcode")
                        .tags("role", k.role, "subsystem", k.subsystem, "opcode", k.opcode)
                        .serviceLevelObjectives(Buckets.LATENCY)
                        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        if (!ok) return;
        if (qid != 0 && opcode == Opcodes.IO_READ) {
            bytes(role, subsystem, nsid, true).increment(r.transferLength());
        } else if (qid != 0 && opcode == Opcodes.IO_WRITE) {
            bytes(role, subsystem, nsid, false).increment(r.data() == null ? 0 : r.data().length());
        } else if (qid == 0 && opcode == Opcodes.ADMIN_ASYNC_EVENT_REQUEST) {
            aens.computeIfAbsent(new SubsystemKey(role, subsystem), k -> Counter.builder("nvmegate.aens.sent")
                    .description("Asynchronous events reported to hosts (AER completions), by role and subsystem")
                    .tags("role", k.role, "subsystem", k.subsystem).register(registry)).increment();
        } else if (qid == 0 && opcode == Opcodes.ADMIN_GET_LOG_PAGE && (r.sqe().cdw(10) & 0xFF) == Opcodes.LOG_DISCOVERY) {
            logReads.computeIfAbsent(role, k -> Counter.builder("nvmegate.discovery.log.reads")
                    .description("Get Log Page commands for the discovery log (70h) completed successfully, by role")
                    .tags("role", k).register(registry)).increment();
        }
    }

    private Counter bytes(String role, String subsystem, String nsid, boolean read) {
        return this.bytes.computeIfAbsent(new BytesKey(role, subsystem, nsid, read), k ->
                Counter.builder(k.read ? "nvmegate.bytes.read" : "nvmegate.bytes.written")
                        .description(k.read ? "Bytes returned to hosts by successful Read commands, by role, subsystem and NSID"
                                : "Bytes stored by successful Write commands, by role, subsystem and NSID")
                        .tags("role", k.role, "subsystem", k.subsystem, "nsid", k.nsid)
                        .register(registry));
    }
}
