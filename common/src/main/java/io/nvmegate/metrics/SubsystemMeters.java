package io.nvmegate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The per-command meters of the queues of one role bound to one subsystem (label), resolved so that recording a
 * successful command neither allocates nor looks a meter up by its labels:
 * <ul>
 *   <li>{@code nvmegate_command_duration_seconds{role,subsystem,opcode}}: by opcode slot ({@link #slot}: admin
 *       opcodes 0-255, NVM I/O opcodes 256-511, Fabrics FCTYPEs 512-767), one array;</li>
 *   <li>{@code nvmegate_commands_total{...,status="success"}} and {@code nvmegate_bytes_*_total}: per NSID label
 *       ({@link Nsid}), found through a sorted array of NSIDs (binary search, copy on write), by opcode slot.</li>
 * </ul>
 * Errors (an NVMe status other than success), AEN and discovery log counts, and NSIDs beyond the label cap
 * ("other") go through {@link CommandMeters}' maps: rare, and allowed to allocate.
 */
final class SubsystemMeters {
    /** Opcode slots: admin 0-255, NVM I/O 256-511, Fabrics (FCTYPE) 512-767. */
    static final int SLOTS = 768;

    /** The meters of one NSID label: successful commands by opcode slot, and the byte counters. */
    static final class Nsid {
        final String label;
        final AtomicReferenceArray<Counter> successes = new AtomicReferenceArray<>(SLOTS);
        volatile Counter bytesRead;
        volatile Counter bytesWritten;

        Nsid(String label) {
            this.label = label;
        }
    }

    /** NSIDs (as ints, sorted) and their meters; replaced as a whole when an NSID is added. */
    private record Table(int[] nsids, Nsid[] meters) {}

    private final CommandMeters parent;
    private final String role;
    private final String subsystem;
    private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(SLOTS);
    private final Nsid none = new Nsid("");
    private final Nsid all = new Nsid("all");
    private volatile Table table = new Table(new int[0], new Nsid[0]);
    /** NSIDs beyond the label cap share one "other" entry and are not added to the table (it stays bounded). */
    private Nsid other; // guarded by this

    SubsystemMeters(CommandMeters parent, String role, String subsystem) {
        this.parent = parent;
        this.role = role;
        this.subsystem = subsystem;
    }

    /** @return the opcode slot of a command with {@code opcode} (and {@code fctype} for Fabrics) on queue {@code qid} */
    static int slot(int qid, int opcode, int fctype) {
        if (opcode == Opcodes.FABRICS) return 512 + (fctype & 0xFF);
        return qid == 0 ? opcode & 0xFF : 256 + (opcode & 0xFF);
    }

    private static String opcodeLabel(int slot) {
        return slot >= 512 ? CommandLabels.opcode(1, Opcodes.FABRICS, slot - 512)
                : CommandLabels.opcode(slot >= 256 ? 1 : 0, slot & 0xFF, 0);
    }

    /** Records one completed command {@code r} with completion status {@code status}, {@code nanos} after it started. */
    void completed(NvmeRequest r, int status, long nanos) {
        int qid = r.qid();
        int opcode = r.opcode();
        int slot = slot(qid, opcode, r.sqe().fctype());
        duration(slot).record(nanos, TimeUnit.NANOSECONDS);
        Nsid ns = nsid(qid, opcode, r.nsid());
        if ((status & 0x7FF) != Status.SUCCESS) {
            parent.commandCounter(role, subsystem, ns.label, opcodeLabel(slot), CommandLabels.status(status)).increment();
            return;
        }
        success(ns, slot).increment();
        if (qid != 0 && opcode == Opcodes.IO_READ) {
            bytes(ns, true).increment(r.transferLength());
        } else if (qid != 0 && opcode == Opcodes.IO_WRITE) {
            bytes(ns, false).increment(r.data() == null ? 0 : r.data().length());
        } else if (qid == 0 && opcode == Opcodes.ADMIN_ASYNC_EVENT_REQUEST) {
            parent.aenSent(role, subsystem);
        } else if (qid == 0 && opcode == Opcodes.ADMIN_GET_LOG_PAGE && (r.sqe().cdw(10) & 0xFF) == Opcodes.LOG_DISCOVERY) {
            parent.discoveryLogRead(role);
        }
    }

    private Timer duration(int slot) {
        Timer t = durations.get(slot);
        if (t == null) {
            t = parent.durationTimer(role, subsystem, opcodeLabel(slot));
            durations.set(slot, t); // a race registers the same meter twice: the registry returns the same one
        }
        return t;
    }

    private Counter success(Nsid ns, int slot) {
        Counter c = ns.successes.get(slot);
        if (c == null) {
            c = parent.commandCounter(role, subsystem, ns.label, opcodeLabel(slot), "success");
            ns.successes.set(slot, c);
        }
        return c;
    }

    private Counter bytes(Nsid ns, boolean read) {
        Counter c = read ? ns.bytesRead : ns.bytesWritten;
        if (c == null) {
            c = parent.bytesCounter(role, subsystem, ns.label, read);
            if (read) ns.bytesRead = c; else ns.bytesWritten = c;
        }
        return c;
    }

    /** @return the meters of the NSID label of a command (see {@link CommandLabels#nsid}) */
    Nsid nsid(int qid, int opcode, int nsid) {
        if (qid == 0 || opcode == Opcodes.FABRICS || nsid == 0) return none;
        if (nsid == 0xFFFFFFFF) return all;
        Table t = table;
        int i = Arrays.binarySearch(t.nsids, nsid);
        return i >= 0 ? t.meters[i] : add(nsid);
    }

    private synchronized Nsid add(int nsid) {
        Table t = table;
        int i = Arrays.binarySearch(t.nsids, nsid);
        if (i >= 0) return t.meters[i];
        String label = parent.nsidLabel(nsid);
        if (LabelLimiter.OTHER.equals(label)) {
            if (other == null) other = new Nsid(LabelLimiter.OTHER);
            return other;
        }
        int at = -i - 1;
        int[] ids = new int[t.nsids.length + 1];
        Nsid[] ms = new Nsid[ids.length];
        System.arraycopy(t.nsids, 0, ids, 0, at);
        System.arraycopy(t.meters, 0, ms, 0, at);
        ids[at] = nsid;
        ms[at] = new Nsid(label);
        System.arraycopy(t.nsids, at, ids, at + 1, t.nsids.length - at);
        System.arraycopy(t.meters, at, ms, at + 1, t.nsids.length - at);
        table = new Table(ids, ms);
        return ms[at];
    }
}
