package io.nvmegate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nvmegate.controller.NvmeRequest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-command meters of one node: {@code nvmegate_commands_total}, {@code nvmegate_command_duration_seconds},
 * {@code nvmegate_bytes_read_total}, {@code nvmegate_bytes_written_total}, {@code nvmegate_aens_sent_total} and
 * {@code nvmegate_discovery_log_reads_total} (see docs/metrics.md). Meters are created on first use and kept per
 * (role, subsystem) in a {@link SubsystemMeters}, which a queue resolves once when Connect binds it; every label
 * comes from a bounded set ({@link CommandLabels}, {@link LabelLimiter}). Thread-safe.
 */
final class CommandMeters {
    /** Most distinct subsystem NQNs labelled per node; more become "other". */
    static final int MAX_SUBSYSTEMS = 64;
    /** Most distinct NSIDs labelled per node; more become "other". */
    static final int MAX_NSIDS = 128;

    private record CountKey(String role, String subsystem, String nsid, String opcode, String status) {}
    private record SubsystemKey(String role, String subsystem) {}

    private final MeterRegistry registry;
    private final LabelLimiter subsystems = new LabelLimiter(MAX_SUBSYSTEMS);
    private final LabelLimiter nsids = new LabelLimiter(MAX_NSIDS);
    private final Map<SubsystemKey, SubsystemMeters> bySubsystem = new ConcurrentHashMap<>();
    private final Map<CountKey, Counter> commands = new ConcurrentHashMap<>();
    private final Map<SubsystemKey, Counter> aens = new ConcurrentHashMap<>();
    private final Map<String, Counter> logReads = new ConcurrentHashMap<>();

    CommandMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @return the subsystem label for {@code nqn} (bounded) */
    String subsystem(String nqn) {
        return nqn == null || nqn.isEmpty() ? "" : subsystems.limit(nqn);
    }

    /** @return the meters of commands of queues of {@code role} bound to {@code subsystem} (a label) */
    SubsystemMeters meters(String role, String subsystem) {
        SubsystemKey k = new SubsystemKey(role, subsystem);
        SubsystemMeters m = bySubsystem.get(k);
        return m != null ? m : bySubsystem.computeIfAbsent(k, x -> new SubsystemMeters(this, x.role, x.subsystem));
    }

    /** Records one completed command of a queue of {@code role} bound to {@code subsystem} (a label). */
    void completed(String role, String subsystem, NvmeRequest r, int status, long nanos) {
        meters(role, subsystem).completed(r, status, nanos);
    }

    /** The NSID label of {@code nsid} (bounded: beyond {@link #MAX_NSIDS} distinct values, "other"). */
    String nsidLabel(int nsid) {
        return nsids.limit(Integer.toUnsignedString(nsid));
    }

    Counter commandCounter(String role, String subsystem, String nsid, String opcode, String status) {
        return commands.computeIfAbsent(new CountKey(role, subsystem, nsid, opcode, status), k ->
                Counter.builder("nvmegate.commands")
                        .description("NVMe commands completed, by role, subsystem, NSID (I/O commands), opcode and status")
                        .tags("role", k.role, "subsystem", k.subsystem, "nsid", k.nsid, "opcode", k.opcode, "status", k.status)
                        .register(registry));
    }

    Timer durationTimer(String role, String subsystem, String opcode) {
        return Timer.builder("nvmegate.command.duration")
                .description("Time from a command (with its data) received to its completion sent, by role, subsystem and opcode")
                .tags("role", role, "subsystem", subsystem, "opcode", opcode)
                .serviceLevelObjectives(Buckets.LATENCY)
                .register(registry);
    }

    Counter bytesCounter(String role, String subsystem, String nsid, boolean read) {
        return Counter.builder(read ? "nvmegate.bytes.read" : "nvmegate.bytes.written")
                .description(read ? "Bytes returned to hosts by successful Read commands, by role, subsystem and NSID"
                        : "Bytes stored by successful Write commands, by role, subsystem and NSID")
                .tags("role", role, "subsystem", subsystem, "nsid", nsid)
                .register(registry);
    }

    void aenSent(String role, String subsystem) {
        aens.computeIfAbsent(new SubsystemKey(role, subsystem), k -> Counter.builder("nvmegate.aens.sent")
                .description("Asynchronous events reported to hosts (AER completions), by role and subsystem")
                .tags("role", k.role, "subsystem", k.subsystem).register(registry)).increment();
    }

    void discoveryLogRead(String role) {
        logReads.computeIfAbsent(role, k -> Counter.builder("nvmegate.discovery.log.reads")
                .description("Get Log Page commands for the discovery log (70h) completed successfully, by role")
                .tags("role", k).register(registry)).increment();
    }
}
