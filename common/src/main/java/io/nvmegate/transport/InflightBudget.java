package io.nvmegate.transport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-flight budget of one process (issue 18, overload without errors): how many data bytes and commands of I/O
 * queues may be between "accepted" and "completed" at once, over every connection of every listener. A command of
 * an I/O queue takes its share before its data is accepted: before the R2T for host-to-controller data (NVMe/TCP 1.0
 * section 3.3.3), with its in-capsule data, or before a read executes (its controller-to-host data); it gives it
 * back at its completion (the CapsuleResp, {@link TcpQueue#sendResponse}) or when its connection closes. A queue
 * that cannot take its share waits in this budget's FIFO and stops reading its socket ({@link QueueFlow}), so an
 * overloaded target slows its hosts down with TCP back-pressure and R2T pacing instead of buffering without bound
 * or failing commands.
 *
 * <p>Units: bytes of command data (SGL length) and commands. Limits: system properties
 * {@value #BYTES_PROPERTY} (default 64 MiB) and {@value #COMMANDS_PROPERTY} (default 4096); {@code 0} means no
 * limit (for measurements only). A single command larger than the byte limit is still admitted when nothing else
 * is in flight, so it cannot wait forever.
 *
 * <p>Fairness: waiters are granted strictly in arrival order, and a request does not jump the line: while anyone
 * waits, a new request waits too. Thread-safe (every event loop of the process shares it); grants are handed to
 * the waiter outside the lock, on the releasing thread (the waiter hops to its own event loop).
 */
public final class InflightBudget {
    /** System property: most data bytes in flight in this process; 0 = no limit. */
    public static final String BYTES_PROPERTY = "nvmegate.inflightBytes";
    /** System property: most I/O commands in flight in this process; 0 = no limit. */
    public static final String COMMANDS_PROPERTY = "nvmegate.inflightCommands";
    public static final long DEFAULT_BYTES = 64L << 20;
    public static final int DEFAULT_COMMANDS = 4096;

    private static volatile InflightBudget process;

    /** Someone waiting for a share; {@link #granted} runs once the share is theirs. */
    public interface Waiter {
        /** The share asked for is now held by this waiter (called on the releasing thread, without locks). */
        void granted();
    }

    private record Wait(Waiter waiter, long bytes) {}

    private long maxBytes;
    private int maxCommands;
    private long bytes;
    private int commands;
    private long peakBytes;
    private int peakCommands;
    private final ArrayDeque<Wait> waiting = new ArrayDeque<>();

    /** @param maxBytes most data bytes in flight (0: no limit) @param maxCommands most commands (0: no limit) */
    public InflightBudget(long maxBytes, int maxCommands) {
        resize(maxBytes, maxCommands);
    }

    /** @return the budget of this process, from {@value #BYTES_PROPERTY} and {@value #COMMANDS_PROPERTY} */
    public static InflightBudget process() {
        InflightBudget b = process;
        if (b == null) {
            synchronized (InflightBudget.class) {
                if (process == null) {
                    process = new InflightBudget(Long.getLong(BYTES_PROPERTY, DEFAULT_BYTES),
                            Integer.getInteger(COMMANDS_PROPERTY, DEFAULT_COMMANDS));
                }
                b = process;
            }
        }
        return b;
    }

    /** Changes the limits (tests, A/B measurements); waiters that now fit are granted. */
    public void resize(long maxBytes, int maxCommands) {
        if (maxBytes < 0 || maxCommands < 0) throw new IllegalArgumentException("budget " + maxBytes + " bytes, " + maxCommands + " commands");
        List<Waiter> go;
        synchronized (this) {
            this.maxBytes = maxBytes;
            this.maxCommands = maxCommands;
            go = grantWaiting();
        }
        go.forEach(Waiter::granted);
    }

    /**
     * Takes one command and {@code n} data bytes now if they fit and nobody waits; otherwise queues {@code w}, whose
     * {@link Waiter#granted} runs once they are taken for it.
     *
     * @return true if taken now ({@code w} is not called)
     */
    public boolean acquire(long n, Waiter w) {
        synchronized (this) {
            if (waiting.isEmpty() && fits(n)) {
                take(n);
                return true;
            }
            waiting.add(new Wait(w, n));
            return false;
        }
    }

    /** Withdraws a waiter that no longer wants its share (its connection closed); no-op if not waiting. */
    public synchronized void cancel(Waiter w) {
        waiting.removeIf(x -> x.waiter == w);
    }

    /** Gives back {@code cmds} commands and {@code n} data bytes; grants waiters that now fit, in order. */
    public void release(long n, int cmds) {
        List<Waiter> go;
        synchronized (this) {
            bytes -= n;
            commands -= cmds;
            go = grantWaiting();
        }
        go.forEach(Waiter::granted);
    }

    private List<Waiter> grantWaiting() {
        List<Waiter> go = List.of();
        while (!waiting.isEmpty() && fits(waiting.peek().bytes)) {
            Wait x = waiting.poll();
            take(x.bytes);
            if (go.isEmpty()) go = new ArrayList<>(4);
            go.add(x.waiter);
        }
        return go;
    }

    private boolean fits(long n) {
        if (commands == 0) return true; // nothing in flight: even an oversized command may go
        return (maxBytes == 0 || bytes + n <= maxBytes) && (maxCommands == 0 || commands + 1 <= maxCommands);
    }

    private void take(long n) {
        bytes += n;
        commands++;
        peakBytes = Math.max(peakBytes, bytes);
        peakCommands = Math.max(peakCommands, commands);
    }

    /** @return data bytes in flight now */
    public synchronized long bytes() { return bytes; }

    /** @return commands in flight now */
    public synchronized int commands() { return commands; }

    /** @return the most data bytes in flight since creation or {@link #resetPeaks()} */
    public synchronized long peakBytes() { return peakBytes; }

    /** @return the most commands in flight since creation or {@link #resetPeaks()} */
    public synchronized int peakCommands() { return peakCommands; }

    /** @return queues waiting for a share now */
    public synchronized int waiting() { return waiting.size(); }

    /** @return the byte limit (0: none) */
    public synchronized long maxBytes() { return maxBytes; }

    /** @return the command limit (0: none) */
    public synchronized int maxCommands() { return maxCommands; }

    /** Peaks start again from what is in flight now. */
    public synchronized void resetPeaks() {
        peakBytes = bytes;
        peakCommands = commands;
    }
}
