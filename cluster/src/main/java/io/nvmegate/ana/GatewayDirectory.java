package io.nvmegate.ana;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The gateways of the cluster and their leases: Hazelcast map {@value #MAP}, key gateway ID, value {@link
 * GatewayInfo} as JSON, written by each gateway every {@link GatewayLease#RENEW_MS} ms. A gateway is <em>live</em>
 * while its {@code leaseUntil} is ahead of the cluster time; its entry stays when it dies (so that its home groups
 * come back to it). Draining marks live in map {@value #DRAINING} (key gateway ID, value {@code "true"}), which the
 * management API writes and renewals never touch. Neither map is part of the persisted catalog.
 */
public final class GatewayDirectory {
    /** The Hazelcast map of gateways and their leases. */
    public static final String MAP = "nvmegate.gateways";
    /** The Hazelcast map of draining gateways. */
    public static final String DRAINING = "nvmegate.gateways.draining";

    private final HazelcastInstance hz;
    private final IMap<String, String> gateways;
    private final IMap<String, String> draining;

    public GatewayDirectory(HazelcastInstance hz) {
        this.hz = hz;
        this.gateways = hz.getMap(MAP);
        this.draining = hz.getMap(DRAINING);
    }

    /**
     * A gateway's lease record.
     *
     * @param id         gateway ID
     * @param member     its current Hazelcast member UUID (= its session, {@code RequestId.client})
     * @param leaseUntil cluster time (ms) until which it may forward
     * @param since      cluster time (ms) of the first renewal of its current unbroken lease (the failback settle
     *                   delay counts from it)
     */
    public record GatewayInfo(String id, UUID member, long leaseUntil, long since) {
        public JsonObject toJson() {
            return new JsonObject().put("id", id).put("member", member.toString()).put("leaseUntil", leaseUntil).put("since", since);
        }

        public static GatewayInfo fromJson(JsonObject j) {
            return new GatewayInfo(j.getString("id"), UUID.fromString(j.getString("member")), j.getLong("leaseUntil"), j.getLong("since"));
        }

        /** @return whether the lease holds at cluster time {@code now} */
        public boolean live(long now) { return now < leaseUntil; }
    }

    /** @return the cluster time (ms) every lease is measured in */
    public long now() { return hz.getCluster().getClusterTime(); }

    /** Writes {@code info} (a renewal); blocking, call off the event loop or use {@link #renewAsync}. */
    public void renew(GatewayInfo info) {
        gateways.set(info.id(), info.toJson().encode());
    }

    /** Writes {@code info} asynchronously; the stage completes once the map's owner stored it. */
    public java.util.concurrent.CompletionStage<Void> renewAsync(GatewayInfo info) {
        return gateways.setAsync(info.id(), info.toJson().encode());
    }

    public Optional<GatewayInfo> get(String id) {
        String v = gateways.get(id);
        return v == null ? Optional.empty() : Optional.of(GatewayInfo.fromJson(new JsonObject(v)));
    }

    /** @return every gateway that ever renewed in this cluster, live or not, by ID */
    public List<GatewayInfo> all() {
        return gateways.values().stream().map(v -> GatewayInfo.fromJson(new JsonObject(v)))
                .sorted(Comparator.comparing(GatewayInfo::id)).toList();
    }

    /** @return the gateways whose lease holds now, by ID */
    public List<GatewayInfo> live() {
        long now = now();
        return all().stream().filter(g -> g.live(now)).toList();
    }

    public boolean draining(String id) { return draining.containsKey(id); }

    /** Marks gateway {@code id} draining (its groups move away, it gets none) or not. */
    public void setDraining(String id, boolean drain) {
        if (drain) draining.set(id, "true");
        else draining.delete(id);
    }

    /** @return the map of gateway records, for listeners */
    public IMap<String, String> map() { return gateways; }
}
