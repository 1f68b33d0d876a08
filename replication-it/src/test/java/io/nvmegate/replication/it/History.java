package io.nvmegate.replication.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The operations a workload issued, each with its invocation and completion times ({@link System#nanoTime()}
 * of the test JVM: invoked just before the command is submitted, completed when its completion arrives).
 * Thread-safe to record into.
 */
public final class History {
    /** Completion time of a write whose outcome is unknown (it failed): it may take effect at any time after its invocation. */
    public static final long NEVER = Long.MAX_VALUE;

    /**
     * A write of blocks {@code slba .. slba+nlb-1}, every block of it holding {@code id}.
     *
     * @param complete completion time, or {@link #NEVER} if it got an error (applied or not, we cannot tell)
     * @param status   NVMe status of the completion (0 Success), or -1 for a transport error or timeout
     */
    public record Write(long id, long slba, int nlb, long invoke, long complete, int status) {
        public boolean acknowledged() { return complete != NEVER; }

        public boolean covers(long lba) { return lba >= slba && lba < slba + nlb; }
    }

    /**
     * A successful read of blocks {@code slba .. slba+nlb-1}.
     *
     * @param values per block, the value decoded by {@link BlockValues#decode}
     */
    public record Read(long slba, int nlb, long invoke, long complete, long[] values) {}

    private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();

    public void write(Write w) { writes.add(w); }

    public void read(Read r) { reads.add(r); }

    public List<Write> writes() { return new ArrayList<>(writes); }

    public List<Read> reads() { return new ArrayList<>(reads); }
}
