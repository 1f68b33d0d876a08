package io.nvmegate.catalog;

import io.vertx.core.json.JsonObject;

/**
 * Cluster-wide target settings (map {@value Catalog#GLOBAL}, key {@value #KEY}; TrueNAS {@code nvmet.global}).
 *
 * @param enabled            false: gateways serve no host (the target is administratively off)
 * @param baseNqn            prefix for subsystem NQNs created by name only ({@code <baseNqn>:<name>})
 * @param ana                balanced ANA (default true): each ANA group is optimized on one gateway (its owner, chosen by
 *                           the ANA balancer, package {@code io.nvmegate.ana}) and non-optimized on the other gateways
 *                           serving its subsystem, so hosts send I/O through one path per group and fail over to
 *                           the others. false: symmetric, every gateway reports every group optimized (hosts spread
 *                           I/O over all paths; no hand-off on a move or drain). Either way a group whose storage
 *                           cannot serve, and every group on a gateway whose lease lapsed, is inaccessible
 *                           ({@code io.nvmegate.ana.AnaStateRule})
 * @param crossPortReferrals the discovery controller on each gateway port also lists every other port as a referral
 *                           (SUBTYPE 1, EFLAGS EPCSD; {@link io.nvmegate.discovery.DiscoveryCommandSet})
 * @param requireAuth        every host of every NVM subsystem must authenticate with DH-HMAC-CHAP: a host without
 *                           a {@link HostSpec#dhchapKey()} is refused at Connect (Connect Invalid Host). The stricter
 *                           of this and {@link SubsystemSpec#requireAuth()} applies (a subsystem cannot opt out).
 *                           Hosts with a key always authenticate, whatever this says. Default false.
 */
public record GlobalSpec(boolean enabled, String baseNqn, boolean ana, boolean crossPortReferrals, boolean requireAuth) {
    public static final String KEY = "global";
    public static final String DEFAULT_BASE_NQN = "nqn.2026-11.io.nvmegate";

    /** Settings without required authentication. */
    public GlobalSpec(boolean enabled, String baseNqn, boolean ana, boolean crossPortReferrals) {
        this(enabled, baseNqn, ana, crossPortReferrals, false);
    }

    public static GlobalSpec defaults() { return new GlobalSpec(true, DEFAULT_BASE_NQN, true, false, false); }

    public JsonObject toJson() {
        return new JsonObject().put("enabled", enabled).put("baseNqn", baseNqn).put("ana", ana)
                .put("crossPortReferrals", crossPortReferrals).put("requireAuth", requireAuth);
    }

    /** Fields missing from {@code j} keep the value of {@code base}. @throws IllegalArgumentException naming the field */
    public static GlobalSpec fromJson(JsonObject j, GlobalSpec base) {
        String baseNqn = j.getString("baseNqn", base.baseNqn);
        if (baseNqn == null || !baseNqn.matches("nqn\\.\\d{4}-\\d{2}\\.[^:]+") || baseNqn.length() > 200) {
            throw new IllegalArgumentException("global.baseNqn must look like nqn.yyyy-mm.reverse-domain (no ':', ≤ 200 bytes), got " + baseNqn);
        }
        return new GlobalSpec(j.getBoolean("enabled", base.enabled), baseNqn, j.getBoolean("ana", base.ana),
                j.getBoolean("crossPortReferrals", base.crossPortReferrals), j.getBoolean("requireAuth", base.requireAuth));
    }
}
