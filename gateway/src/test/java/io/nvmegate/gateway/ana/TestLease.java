package io.nvmegate.gateway.ana;

import io.nvmegate.ana.GatewayLease;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** A lease the test drives: valid until {@link #lapse}, again after {@link #renew}. */
final class TestLease implements GatewayLease {
    private final UUID session = UUID.randomUUID();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean valid = true;
    private volatile long lapsedAt = Long.MIN_VALUE;

    /** The lease expired and this gateway noticed: invalid, lapse time now, listeners told. */
    void lapse() {
        lapsedAt = System.nanoTime();
        valid = false;
        listeners.forEach(Runnable::run);
    }

    /** Renewed: valid again (the lapse time stays, as a renewer keeps it). */
    void renew() {
        valid = true;
        listeners.forEach(Runnable::run);
    }

    /** A lapse noticed and renewed before any listener ran (a pause shorter than a tick): only the time moves. */
    void lapsedAtNow() { lapsedAt = System.nanoTime(); }

    void reset() {
        lapsedAt = Long.MIN_VALUE;
        renew();
    }

    @Override public boolean valid() { return valid; }
    @Override public long leaseUntil() { return valid ? System.currentTimeMillis() + LEASE_MS : 0; }
    @Override public UUID session() { return session; }
    @Override public long lapsedAtNanos() { return lapsedAt; }
    @Override public void onChange(Runnable r) { listeners.add(r); }
}
