package io.nvmegate.controller;

import io.vertx.core.Vertx;

/**
 * Keep Alive Timer enforcement (NVMe Base 2.0 section 3.9; NVMe-oF 1.1 section 3.1). KATO comes from the
 * admin-queue Connect (ms) or Set Features 0Fh; 0 disables it. With traffic-based keep alive (CTRATT.TBKAS)
 * any command counts. As in nvmet, the check runs every KATO and the controller is destroyed when a whole
 * period passed without a command, so a silent host is dropped after between KATO and 2 × KATO.
 */
public final class KeepAlive {
    /** KAS of Identify Controller: keep-alive granularity, 100 ms units. */
    public static final int KAS = 10;

    private final Controller c;
    private final Vertx vertx;
    private final ControllerRegistry registry;
    private volatile int timeoutMs;
    private final int connectTimeoutMs;
    private volatile boolean active = true;
    private long timer = -1;

    KeepAlive(Controller c, Vertx vertx, int timeoutMs, ControllerRegistry registry) {
        this.c = c;
        this.vertx = vertx;
        this.registry = registry;
        this.timeoutMs = timeoutMs;
        this.connectTimeoutMs = timeoutMs;
    }

    public int timeoutMs() { return timeoutMs; }

    /** KATO the admin Connect gave (the feature's default value). */
    public int connectTimeoutMs() { return connectTimeoutMs; }

    void activity() { active = true; }

    /** Starts enforcing KATO (after the admin-queue Connect). */
    public synchronized void start() {
        stop();
        if (timeoutMs > 0) timer = vertx.setPeriodic(timeoutMs, id -> check());
    }

    /** Set Features Keep Alive Timer: a new KATO in ms (0 disables), the period restarts. */
    public synchronized void setTimeout(int ms) {
        timeoutMs = ms;
        active = true;
        start();
    }

    synchronized void stop() {
        if (timer >= 0) vertx.cancelTimer(timer);
        timer = -1;
    }

    private void check() {
        if (!active) {
            registry.keepAliveExpired(c);
            c.destroy("keep-alive timeout (KATO " + timeoutMs + " ms)");
        }
        active = false;
    }
}
