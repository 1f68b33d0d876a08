package io.nvmegate.ana;

import io.vertx.core.json.JsonObject;

/**
 * Who serves an ANA group optimized: Hazelcast map {@value #MAP}, key {@link #key(String, int)}, value this record
 * as JSON. Written by the ANA balancer ({@code AnaBalancer}, on the gateways) and, for the second step of a
 * hand-off, by the releasing owner. Not part of the persisted catalog: rebuilt from the live gateways.
 *
 * <p>Hand-off (failback, {@code ctl ana move}, drain) is two steps, so that two gateways never report the group
 * optimized at once: (1) the balancer writes {@link Phase#RELEASING} (owner A, next B): A reports non-optimized at
 * once, B reports change; (2) A, once its own view holds step 1, writes {@link Phase#OWNED} (owner B) with
 * {@code replace(old, new)}. A takeover from an owner whose lease expired is one step (OWNED, new owner): the old
 * owner reports inaccessible and cannot forward ({@link GatewayLease}). A RELEASING entry not completed within
 * {@link #HANDOFF_TIMEOUT_MS} is reverted by the balancer.
 *
 * @param subsystemNqn the group's subsystem
 * @param anaGroup     ANAGRPID, 1..{@code NamespaceSpec.MAX_ANA_GROUP}
 * @param home         the gateway the balancer prefers (balanced over the gateways serving the subsystem, or set by
 *                     {@code ctl ana move}); null when no gateway serves the subsystem
 * @param owner        the gateway reporting the group optimized (OWNED) or releasing it (RELEASING); null: none
 * @param next         RELEASING: the gateway taking it over; null otherwise
 * @param phase        OWNED or RELEASING
 * @param pinned       the home was set by an operator ({@code ctl ana move}): the balancer keeps it while that
 *                     gateway is live and not draining
 * @param epoch        bumped on every write of this entry (a group's ownership history is totally ordered)
 * @param changedAt    cluster time (ms) of the last write
 */
public record AnaOwner(String subsystemNqn, int anaGroup, String home, String owner, String next, Phase phase,
                       boolean pinned, long epoch, long changedAt) {
    /** The Hazelcast map of group owners. */
    public static final String MAP = "nvmegate.ana";
    /** A RELEASING entry older than this (ms) is reverted to its owner (ANATT is 10 s; CHANGE stays under it). */
    public static final long HANDOFF_TIMEOUT_MS = 5_000;

    public enum Phase { OWNED, RELEASING }

    /** @return the map key of group {@code anaGroup} of {@code subsystemNqn}: {@code "<nqn>#<group>"} */
    public static String key(String subsystemNqn, int anaGroup) {
        return subsystemNqn + "#" + anaGroup;
    }

    public String key() { return key(subsystemNqn, anaGroup); }

    public JsonObject toJson() {
        return new JsonObject().put("subsystem", subsystemNqn).put("group", anaGroup).put("home", home).put("owner", owner)
                .put("next", next).put("phase", phase.name()).put("pinned", pinned).put("epoch", epoch).put("changedAt", changedAt);
    }

    public static AnaOwner fromJson(JsonObject j) {
        return new AnaOwner(j.getString("subsystem"), j.getInteger("group"), j.getString("home"), j.getString("owner"),
                j.getString("next"), Phase.valueOf(j.getString("phase", "OWNED")), j.getBoolean("pinned", false),
                j.getLong("epoch", 0L), j.getLong("changedAt", 0L));
    }
}
