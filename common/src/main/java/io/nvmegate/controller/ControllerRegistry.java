package io.nvmegate.controller;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controllers of one process, by CNTLID. CNTLIDs come from a range given per gateway, so controllers of one
 * subsystem on several gateways never share one (the Linux host rejects duplicates: {@code
 * nvme_validate_cntlid}); 0xFFF0..0xFFFF are reserved (NVMe Base 2.0 section 3.1.2).
 */
public final class ControllerRegistry {
    private final int min;
    private final int max;
    private final Map<Integer, Controller> byCntlid = new ConcurrentHashMap<>();
    private int next;
    private volatile java.util.function.Consumer<Controller> keepAliveExpired = c -> {};

    /** @param min first CNTLID (≥ 1); @param max last CNTLID (≤ 0xFFEF) */
    public ControllerRegistry(int min, int max) {
        if (min < 1 || max > 0xFFEF || min > max) throw new IllegalArgumentException("CNTLID range " + min + ".." + max);
        this.min = min;
        this.max = max;
        this.next = min;
    }

    /**
     * @return a new controller with a free CNTLID, or {@code null} if the range is exhausted or subsystem {@code s}
     * has {@link TransportConfig#maxControllersPerSubsystem()} controllers already ({@link #count(String)} tells which)
     */
    public synchronized Controller create(Subsystem s, String hostNqn, UUID hostId, int katoMs,
                                          TransportConfig t, io.vertx.core.Vertx vertx) {
        if (count(s.nqn()) >= t.maxControllersPerSubsystem()) return null;
        for (int i = 0; i <= max - min; i++) {
            int id = next;
            next = next == max ? min : next + 1;
            if (!byCntlid.containsKey(id)) {
                Controller c = new Controller(id, s, hostNqn, hostId, katoMs, t, this, vertx);
                byCntlid.put(id, c);
                return c;
            }
        }
        return null;
    }

    /** @return live controllers of subsystem {@code nqn} */
    public int count(String nqn) {
        int n = 0;
        for (Controller c : byCntlid.values()) if (c.subsystem().nqn().equals(nqn)) n++;
        return n;
    }

    /** @return live controllers (= CNTLIDs in use) */
    public int size() { return byCntlid.size(); }

    public Controller get(int cntlid) { return byCntlid.get(cntlid); }

    void remove(Controller c) { byCntlid.remove(c.cntlid(), c); }

    /** All live controllers (a snapshot). */
    public java.util.Collection<Controller> controllers() { return java.util.List.copyOf(byCntlid.values()); }

    /**
     * Whom to tell when a controller is destroyed by keep-alive timeout (e.g. a metric); set by the transport that
     * owns the listeners. Replaces the previous listener.
     */
    public void onKeepAliveExpired(java.util.function.Consumer<Controller> listener) {
        keepAliveExpired = listener;
    }

    void keepAliveExpired(Controller c) {
        keepAliveExpired.accept(c);
    }

    /** Destroys every controller (shutdown). */
    public void destroyAll(String reason) {
        for (Controller c : controllers()) c.destroy(reason);
    }
}
