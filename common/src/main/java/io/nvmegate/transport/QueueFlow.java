package io.nvmegate.transport;

import io.vertx.core.Context;
import io.vertx.core.net.NetSocket;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Flow control of one I/O queue (one NVMe/TCP connection) under overload (issue 18): which of its commands may start,
 * and when it reads its socket.
 *
 * <ul>
 *   <li><b>In-flight budget</b>: a command starts (its R2T is sent, or it executes) only once it holds its share of
 *       the process's {@link InflightBudget} (one command and its SGL length in bytes); it gives the share back at
 *       its completion ({@link #completed}, called from the queue's one completion path) or when the connection
 *       closes ({@link #closed}: also the shares of R2Ts the host never answered and of commands still executing,
 *       whose late completion then finds nothing to release). Commands that cannot start wait here in arrival
 *       order; the queue asks the budget for one share at a time (for the oldest), so queues are served round-robin.
 *       Over budget, R2Ts are paced: they go out as shares free up.</li>
 *   <li><b>Unwritten data cap</b>: the controller-to-host data of this queue, i.e. the data of its reads started
 *       and not yet completed plus the bytes written to its socket that have not reached the kernel, stays under
 *       {@value #DEFAULT_UNWRITTEN} bytes (system property {@value #UNWRITTEN_PROPERTY}): a read starts only if its
 *       data fits (or nothing is outstanding), and no command starts while the data is over the cap. A host that
 *       does not read its socket stops being served instead of making the target buffer its reads without bound;
 *       its commands start again as the data drains.</li>
 *   <li><b>Reading the socket</b>: the queue stops reading ({@link NetSocket#pause()}) while commands wait here,
 *       while the data is over the cap, or while the socket's write queue is full; it resumes when none holds. It
 *       keeps reading while an R2T of its own is outstanding, since the H2CData answering it (which frees budget)
 *       comes through the same socket; the commands it reads meanwhile wait here (at most the host's queue depth,
 *       and reading stops past {@value #MAX_WAITING} regardless).</li>
 * </ul>
 *
 * <p>Event-loop thread of the queue only (except {@link #granted}, which hops there).
 */
final class QueueFlow implements InflightBudget.Waiter {
    /** System property: most bytes written to one queue's socket and not yet sent before its commands wait. */
    static final String UNWRITTEN_PROPERTY = "nvmegate.queueUnwrittenBytes";
    static final long DEFAULT_UNWRITTEN = 4L << 20;
    static final long UNWRITTEN_CAP = Long.getLong(UNWRITTEN_PROPERTY, DEFAULT_UNWRITTEN);
    /** Reading stops past this many waiting commands even while an R2T is outstanding (a host beyond its SQ size). */
    static final int MAX_WAITING = 4096;

    private record Waiting(int cid, long bytes, boolean c2h, Runnable start) {}

    private final InflightBudget budget;
    private final NetSocket socket;
    private final Context context;
    private final LongSupplier unwritten;
    private final BooleanSupplier awaitingData;
    private final long cap;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Shares held, by CID: {bytes, commands, read bytes} (a CID reused while outstanding adds up rather than leaks). */
    private final Map<Integer, long[]> held = new HashMap<>();
    /** Data of the reads started on this queue and not yet completed, bytes. */
    private long reading;
    private long askedBytes = -1; // the share asked for the oldest waiting command; -1: none asked
    private boolean paused;
    private boolean closed;

    /**
     * @param unwritten    bytes handed to the socket and not yet written ({@link OutboundBatch#unwritten()})
     * @param awaitingData whether an R2T of this queue waits for its H2CData
     */
    QueueFlow(InflightBudget budget, NetSocket socket, Context context, LongSupplier unwritten, BooleanSupplier awaitingData, long cap) {
        this.budget = budget;
        this.socket = socket;
        this.context = context;
        this.unwritten = unwritten;
        this.awaitingData = awaitingData;
        this.cap = cap;
    }

    /**
     * Starts command {@code cid} with {@code bytes} of data once it holds its share (now, or later in order).
     *
     * @param c2h whether the data goes to the host (a read): it counts against the unwritten data cap
     */
    void admit(int cid, long bytes, boolean c2h, Runnable start) {
        if (closed) return;
        if (waiting.isEmpty() && askedBytes < 0 && fitsCap(bytes, c2h)) {
            if (budget.acquire(bytes, this)) {
                hold(cid, bytes, c2h);
                start.run();
                return;
            }
            askedBytes = bytes; // queued in the budget for this command
        }
        waiting.add(new Waiting(cid, bytes, c2h, start));
        gate();
    }

    /** Whether a command may start under the unwritten data cap. */
    private boolean fitsCap(long bytes, boolean c2h) {
        long out = reading + unwritten.getAsLong();
        if (!c2h) return out <= cap;
        return out == 0 || out + bytes <= cap;
    }

    /** The command {@code cid} completed: its share goes back. */
    void completed(int cid) {
        long[] h = held.remove(cid);
        if (h == null) return;
        reading -= h[2];
        budget.release(h[0], (int) h[1]);
    }

    /** The socket wrote data or its write queue changed: commands held back by the cap may start; reading may resume. */
    void poke() {
        pump();
        gate();
    }

    /** The connection closed: every share goes back, waiting commands are dropped (there is nobody to answer). */
    void closed() {
        if (closed) return;
        closed = true;
        budget.cancel(this);
        waiting.clear();
        for (long[] h : held.values()) budget.release(h[0], (int) h[1]);
        held.clear();
        reading = 0;
    }

    @Override
    public void granted() {
        context.runOnContext(v -> onGranted());
    }

    private void onGranted() {
        long bytes = askedBytes;
        askedBytes = -1;
        if (closed) {
            budget.release(bytes, 1);
            return;
        }
        Waiting w = waiting.poll();
        hold(w.cid, bytes, w.c2h);
        w.start.run();
        poke();
    }

    /** Starts waiting commands in order while their shares are available; asks for the next one otherwise. */
    private void pump() {
        while (!closed && askedBytes < 0 && !waiting.isEmpty() && fitsCap(waiting.peek().bytes, waiting.peek().c2h)) {
            Waiting w = waiting.peek();
            if (!budget.acquire(w.bytes, this)) {
                askedBytes = w.bytes;
                return;
            }
            waiting.poll();
            hold(w.cid, w.bytes, w.c2h);
            w.start.run();
        }
    }

    private void hold(int cid, long bytes, boolean c2h) {
        long r = c2h ? bytes : 0;
        reading += r;
        long[] h = held.get(cid);
        if (h == null) held.put(cid, new long[] {bytes, 1, r});
        else {
            h[0] += bytes;
            h[1]++;
            h[2] += r;
        }
    }

    /** Pauses or resumes reading the socket (see the class comment). */
    void gate() {
        if (closed) return;
        boolean stop = waiting.size() >= MAX_WAITING
                || (!awaitingData.getAsBoolean() && (!waiting.isEmpty() || reading + unwritten.getAsLong() > cap || socket.writeQueueFull()));
        if (stop == paused) return;
        paused = stop;
        if (stop) socket.pause();
        else socket.resume();
    }

    /** @return commands waiting to start (tests) */
    int waitingCommands() { return waiting.size(); }

    /** @return whether reading is paused (tests) */
    boolean paused() { return paused; }
}
