package io.nvmegate.ana;

/**
 * Asymmetric Namespace Access states (NVMe Base 2.0 section 8.1.3; ANA log page descriptor byte 16, bits 3:0) and
 * what a gateway means by each.
 */
public enum AnaState {
    /** 01h: the group's home (owner) gateway, its lease valid and the group's storage serving. */
    OPTIMIZED(0x01),
    /** 02h: every other gateway that serves the subsystem: it forwards to the same workers, so it can serve. */
    NON_OPTIMIZED(0x02),
    /**
     * 03h: this path cannot serve now: the group's storage has no leader (or its RF 1 worker is down), or this
     * gateway's lease lapsed. Commands get Asymmetric Access Inaccessible (SCT 3h, SC 02h) without DNR; the Linux
     * host queues I/O and re-reads the log on the next ANA change notice.
     */
    INACCESSIBLE(0x03),
    /** 04h: never reported by nvmegate (the namespace is never permanently lost to one path). */
    PERSISTENT_LOSS(0x04),
    /**
     * 0Fh: the group is moving to this gateway (the previous owner is releasing it); lasts one hand-off, bounded
     * well under 2 × ANATT. Commands get Asymmetric Access Transition (SCT 3h, SC 03h) without DNR.
     */
    CHANGE(0x0F);

    /** The state's code in the ANA log page. */
    public final int code;

    AnaState(int code) { this.code = code; }

    /** @return whether a path in this state serves I/O */
    public boolean serves() { return this == OPTIMIZED || this == NON_OPTIMIZED; }

    /** @return the lower-case name used by the REST API, ctl and metrics labels, e.g. {@code non-optimized} */
    public String label() { return name().toLowerCase().replace('_', '-'); }
}
