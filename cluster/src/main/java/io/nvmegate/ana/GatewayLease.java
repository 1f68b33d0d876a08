package io.nvmegate.ana;

import java.util.UUID;

/**
 * A gateway's right to forward commands to block workers, and its identity toward them ("Fencing" in the package
 * doc). Implemented by the gateway's lease renewer; read on every forwarded command, so every method is a
 * volatile read.
 */
public interface GatewayLease {
    /** Lease length (ms): shorter than the Linux host's default KATO (5 s), before which no host retries elsewhere. */
    long LEASE_MS = 3_000;
    /** How often a gateway renews (ms). */
    long RENEW_MS = 500;

    /** @return whether this gateway may forward now: cluster time before {@link #leaseUntil()} */
    boolean valid();

    /** @return cluster time (ms) until which the lease holds, stamped on every request; 0: not clustered, no lease */
    long leaseUntil();

    /** @return the session stamped as {@code RequestId.client}: the gateway's current Hazelcast member UUID */
    UUID session();

    /**
     * @return {@link System#nanoTime()} of the last lapse this gateway noticed (its lease expired before it could
     *         renew: a pause, or a lost cluster), {@link Long#MIN_VALUE} if none. Controllers created before it
     *         must not forward ({@code Controller#createdNanos()}): a command read from their sockets after the
     *         pause may have been retried elsewhere by the host
     */
    long lapsedAtNanos();

    /** Registers {@code r} to run (on any thread) whenever {@link #valid()} changes. */
    void onChange(Runnable r);

    /** The lease of a gateway outside a cluster: always valid, never stamped. */
    static GatewayLease unclustered() {
        UUID session = UUID.randomUUID();
        return new GatewayLease() {
            @Override public boolean valid() { return true; }
            @Override public long leaseUntil() { return 0; }
            @Override public UUID session() { return session; }
            @Override public long lapsedAtNanos() { return Long.MIN_VALUE; }
            @Override public void onChange(Runnable r) {}
        };
    }
}
