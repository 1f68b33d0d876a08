package io.nvmegate.control;

import io.nvmegate.ana.AnaOwner;
import io.nvmegate.ana.GatewayDirectory;
import io.nvmegate.ana.GatewayDirectory.GatewayInfo;
import io.nvmegate.catalog.Catalog;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The write side of ANA management (REST {@code /ana}, {@code /gateways}; {@code ctl ana}, {@code ctl gateway}).
 * It never hands a group over itself: it writes what the ANA balancer honours, and the balancer (on the gateways)
 * moves the group with the two-step hand-off of {@link AnaOwner}, so no two gateways report a group optimized at
 * once and hosts see non-optimized → change → optimized, never an error.
 * <ul>
 *   <li>move: the group's entry in map {@value AnaOwner#MAP} gets {@code home = to}, {@code pinned = true}; a
 *       group without an entry yet (no balancer ran; every gateway reports it optimized) gets one owned by
 *       {@code to};</li>
 *   <li>unpin: {@code pinned = false} (the balancer may then place the group anywhere);</li>
 *   <li>drain / undrain: the gateway's mark in map {@value GatewayDirectory#DRAINING}
 *       ({@link GatewayDirectory#setDraining}): a draining gateway loses its groups and gets none.</li>
 * </ul>
 * Entries are written with {@code putIfAbsent} / {@code replace(key, old, new)}, {@code epoch + 1} and
 * {@code changedAt} = cluster time, retried when a balancer wrote the entry in between.
 */
final class AnaAdmin {
    private static final int ATTEMPTS = 20;

    private final Catalog catalog;
    private final AnaView view;
    private final GatewayDirectory directory;

    AnaAdmin(Catalog catalog) {
        this.catalog = catalog;
        this.view = new AnaView(catalog);
        this.directory = view.directory();
    }

    AnaView view() { return view; }

    /** @return the ANAGRPID in path segment {@code s}: 400 {@code group} unless 1..{@value NamespaceSpec#MAX_ANA_GROUP} */
    static int group(String s) {
        try {
            int g = Integer.parseInt(s);
            if (g >= 1 && g <= NamespaceSpec.MAX_ANA_GROUP) return g;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalid("group", "group must be an ANA group ID 1.." + NamespaceSpec.MAX_ANA_GROUP + ", got " + s);
    }

    /**
     * Pins group {@code group} of {@code nqn} to gateway {@code body.to}. 400 {@code to} missing; 404 {@code nqn},
     * {@code group} or {@code to} unknown; 409 {@code to} when that gateway's lease expired, it has no port
     * exporting the subsystem, or it is draining. @return the group as GET shows it (the hand-off follows)
     */
    JsonObject move(String nqn, String groupId, JsonObject body) {
        FieldTypes.check(body, FieldTypes.ANA_MOVE);
        int group = group(groupId);
        view.group(nqn, group); // 404s
        Object t = body.getValue("to");
        if (!(t instanceof String to) || to.isBlank()) throw ApiException.invalid("to", "to (the gateway ID to move the group to) is required");
        GatewayInfo g = directory.get(to).orElseThrow(() -> ApiException.notFound("to", "to: no gateway " + to));
        if (!g.live(directory.now())) throw ApiException.conflict("to", "to: gateway " + to + " is not live (its lease expired)");
        if (!AnaView.serves(catalog.ports(), to, nqn)) {
            throw ApiException.conflict("to", "to: gateway " + to + " has no port exporting " + nqn);
        }
        if (directory.draining(to)) throw ApiException.conflict("to", "to: gateway " + to + " is draining (undrain it first)");
        long now = directory.now();
        update(nqn, group, o -> o == null
                ? new AnaOwner(nqn, group, to, to, null, AnaOwner.Phase.OWNED, true, 1, now)
                : new AnaOwner(nqn, group, to, o.owner(), o.next(), o.phase(), true, o.epoch() + 1, now));
        return view.group(nqn, group);
    }

    /** Clears the pin of group {@code group} of {@code nqn} (nothing to do when not pinned). 404 when unknown. */
    JsonObject unpin(String nqn, String groupId) {
        int group = group(groupId);
        view.group(nqn, group);
        long now = directory.now();
        update(nqn, group, o -> o == null || !o.pinned() ? o
                : new AnaOwner(nqn, group, o.home(), o.owner(), o.next(), o.phase(), false, o.epoch() + 1, now));
        return view.group(nqn, group);
    }

    /** Applies {@code change} to the group's entry (null: none) atomically; a null or identical result writes nothing. */
    private void update(String nqn, int group, UnaryOperator<AnaOwner> change) {
        String key = AnaOwner.key(nqn, group);
        var owners = view.owners();
        for (int i = 0; i < ATTEMPTS; i++) {
            String old = owners.get(key);
            AnaOwner before = old == null ? null : AnaOwner.fromJson(new io.vertx.core.json.JsonObject(old));
            AnaOwner after = change.apply(before);
            if (after == null || after.equals(before)) return;
            String v = after.toJson().encode();
            if (old == null ? owners.putIfAbsent(key, v) == null : owners.replace(key, old, v)) return;
        }
        throw new ApiException(409, "group", "the entry of group " + group + " of " + nqn + " kept changing (" + ATTEMPTS + " attempts); retry");
    }

    /**
     * Marks gateway {@code id} draining: its groups move to other gateways, it gets none. 404 {@code id} when it
     * never renewed a lease; without {@code force}, 409 {@code id} when a subsystem with ANA groups that it serves
     * has no other live gateway that is not draining (its groups would have nowhere to go).
     */
    JsonObject drain(String id, boolean force) {
        view.require(id);
        if (!force) {
            long now = directory.now();
            List<PortSpec> ports = catalog.ports();
            List<GatewayInfo> others = directory.all().stream()
                    .filter(g -> !g.id().equals(id) && g.live(now) && !directory.draining(g.id())).toList();
            for (SubsystemSpec s : catalog.subsystems()) {
                if (!AnaView.serves(ports, id, s.nqn()) || view.groups(s.nqn()).isEmpty()) continue;
                if (others.stream().noneMatch(g -> AnaView.serves(ports, g.id(), s.nqn()))) {
                    throw ApiException.conflict("id", "gateway " + id + " is the only live gateway that is not draining with a port exporting "
                            + s.nqn() + ": its ANA groups have nowhere to go; start another gateway first or use force=true");
                }
            }
        }
        directory.setDraining(id, true);
        return view.gateway(id);
    }

    /** Clears gateway {@code id}'s draining mark (404 {@code id} when unknown); the balancer may give it groups again. */
    JsonObject undrain(String id) {
        view.require(id);
        directory.setDraining(id, false);
        return view.gateway(id);
    }

    JsonArray groups() { return view.all(); }

    JsonObject group(String nqn, String groupId) { return view.group(nqn, group(groupId)); }

    JsonArray gateways() { return view.gateways(); }

    JsonObject gateway(String id) { return view.gateway(id); }
}
