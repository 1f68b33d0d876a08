package io.nvmegate.ana;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.nvmegate.catalog.Catalog;
import io.nvmegate.catalog.PortSpec;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Operator moves of ANA groups, for the management API ({@code ctl ana move}, {@code ctl gateway drain}). Nothing
 * here changes an owner: a move pins the group's home and a drain marks a gateway, and the balancer
 * ({@link AnaBalancer}) then moves ownership by the two-step hand-off, so hosts see non-optimized → optimized with
 * no error. Entries are written with compare-and-set (retried), so a move never overwrites a concurrent balancer
 * write nor loses to one. Blocking (Hazelcast calls): call off the event loop.
 *
 * <p>Errors: {@link NotFoundException} (an {@link IllegalArgumentException}; HTTP 404) for an unknown group or
 * gateway; {@link ConflictException} (an {@link IllegalStateException}; HTTP 409) when the target gateway cannot
 * take the group: not live, draining, or not serving the subsystem.
 */
public final class AnaMoves {
    /** An unknown ANA group or gateway (HTTP 404). */
    public static final class NotFoundException extends IllegalArgumentException {
        public NotFoundException(String message) { super(message); }
    }

    /** The target gateway cannot take the group now (HTTP 409). */
    public static final class ConflictException extends IllegalStateException {
        public ConflictException(String message) { super(message); }
    }

    private static final int CAS_TRIES = 100;

    private final Catalog catalog;
    private final GatewayDirectory directory;
    private final IMap<String, String> owners;

    public AnaMoves(HazelcastInstance hz) {
        this.catalog = new Catalog(hz);
        this.directory = new GatewayDirectory(hz);
        this.owners = hz.getMap(AnaOwner.MAP);
    }

    /**
     * Pins the home of group {@code anaGroup} of {@code nqn} to gateway {@code to}; the balancer hands the group
     * over (once {@code to} is the owner, within about one tick plus the hand-off) and keeps it there while
     * {@code to} is live and not draining (if it dies the group is taken over and comes back when it returns).
     *
     * @return the entry as written
     * @throws NotFoundException the subsystem has no enabled namespace in that group
     * @throws ConflictException {@code to} is unknown or its lease expired, is draining, or no port of it exports
     *                           the subsystem
     */
    public AnaOwner move(String nqn, int anaGroup, String to) {
        requireGroup(nqn, anaGroup);
        GatewayDirectory.GatewayInfo g = directory.get(to).orElse(null);
        long now = directory.now();
        if (g == null || !g.live(now)) throw new ConflictException("gateway " + to + " is not live (no valid lease)");
        if (directory.draining(to)) throw new ConflictException("gateway " + to + " is draining (undrain it first)");
        List<PortSpec> ports = catalog.ports();
        if (ports.stream().noneMatch(p -> p.exports(nqn) && p.servedBy(to))) {
            throw new ConflictException("gateway " + to + " does not serve subsystem " + nqn + " (no port of it exports it)");
        }
        String key = AnaOwner.key(nqn, anaGroup);
        for (int i = 0; i < CAS_TRIES; i++) {
            String raw = owners.get(key);
            long t = directory.now();
            if (raw == null) {
                AnaOwner a = new AnaOwner(nqn, anaGroup, to, to, null, AnaOwner.Phase.OWNED, true, 1, t);
                if (owners.putIfAbsent(key, a.toJson().encode()) == null) return a;
                continue;
            }
            AnaOwner e = AnaOwner.fromJson(new JsonObject(raw));
            // a RELEASING entry keeps changedAt: the hand-off timeout counts from its start
            AnaOwner a = new AnaOwner(nqn, anaGroup, to, e.owner(), e.next(), e.phase(), true, e.epoch() + 1,
                    e.phase() == AnaOwner.Phase.RELEASING ? e.changedAt() : t);
            if (owners.replace(key, raw, a.toJson().encode())) return a;
        }
        throw new ConflictException("ANA group " + key + " changed " + CAS_TRIES + " times during the move; try again");
    }

    /**
     * Unpins group {@code anaGroup} of {@code nqn}: its home stays, and the balancer may move it again to even out
     * homes.
     *
     * @return the entry as written, or null if the group has no entry yet (nothing pinned)
     * @throws NotFoundException the subsystem has no enabled namespace in that group
     */
    public AnaOwner unpin(String nqn, int anaGroup) {
        requireGroup(nqn, anaGroup);
        String key = AnaOwner.key(nqn, anaGroup);
        for (int i = 0; i < CAS_TRIES; i++) {
            String raw = owners.get(key);
            if (raw == null) return null;
            AnaOwner e = AnaOwner.fromJson(new JsonObject(raw));
            if (!e.pinned()) return e;
            AnaOwner a = new AnaOwner(nqn, anaGroup, e.home(), e.owner(), e.next(), e.phase(), false, e.epoch() + 1,
                    e.phase() == AnaOwner.Phase.RELEASING ? e.changedAt() : directory.now());
            if (owners.replace(key, raw, a.toJson().encode())) return a;
        }
        throw new ConflictException("ANA group " + key + " changed " + CAS_TRIES + " times during the unpin; try again");
    }

    /**
     * Marks gateway {@code id} draining: the balancer hands each group it owns to another eligible gateway and
     * gives it none (its homes stay, so {@link #undrain} brings them back). A group no other gateway can take stays.
     *
     * @throws NotFoundException no gateway {@code id} ever renewed a lease in this cluster
     */
    public void drain(String id) {
        requireGateway(id);
        directory.setDraining(id, true);
    }

    /** Clears gateway {@code id}'s draining mark. @throws NotFoundException unknown gateway */
    public void undrain(String id) {
        requireGateway(id);
        directory.setDraining(id, false);
    }

    private void requireGateway(String id) {
        if (directory.get(id).isEmpty()) throw new NotFoundException("no gateway " + id + " in this cluster");
    }

    private void requireGroup(String nqn, int anaGroup) {
        if (catalog.subsystem(nqn).isEmpty()) throw new NotFoundException("no subsystem " + nqn);
        if (catalog.namespaces(nqn).stream().noneMatch(n -> n.enabled() && n.anaGroup() == anaGroup)) {
            throw new NotFoundException("subsystem " + nqn + " has no enabled namespace in ANA group " + anaGroup);
        }
    }
}
