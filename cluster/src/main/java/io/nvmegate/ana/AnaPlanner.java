package io.nvmegate.ana;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the ANA balancer writes to map {@value AnaOwner#MAP} for one {@link AnaTopology}: a pure decision over the
 * map's current entries, applied by {@link AnaBalancer} with compare-and-set writes. Rules, per group:
 * <ol>
 *   <li><b>Home.</b> Kept while a port of its gateway exports the subsystem (a dead or draining home stays home, so its groups come back to it); a pinned home ({@code ctl ana move}) is never
 *       rebalanced. A group without a home gets the eligible gateway with the fewest homes (ties: smallest ID); then
 *       unpinned homes move from an eligible gateway to another eligible one while their home counts differ by more
 *       than one (a new gateway gets its share).</li>
 *   <li><b>Target</b> (who should own): the home when it is eligible and either its lease has held for the settle
 *       delay, or it is pinned (an operator's move does not wait), or the current owner is not eligible; else the current owner while eligible; else the eligible gateway
 *       owning the fewest groups (ties: smallest ID); none when no gateway is eligible.</li>
 *   <li><b>OWNED</b>, owner's lease expired (or no owner): one step to OWNED(target), the takeover (the dead owner
 *       cannot forward: its lease is the fence). Owner live and not the target: RELEASING(owner → target), the first
 *       step of the two-step hand-off the owner completes ({@link AnaHandoff}).</li>
 *   <li><b>RELEASING</b>, owner's lease expired: one-step takeover (to {@code next} when eligible). Next no longer
 *       eligible, or the hand-off older than {@link AnaOwner#HANDOFF_TIMEOUT_MS}: revert to OWNED(owner); after a
 *       timed-out hand-off the group is not released again for another {@link AnaOwner#HANDOFF_TIMEOUT_MS}.</li>
 *   <li>An entry whose group left the catalog is removed once it has been missing for {@link #REMOVE_AFTER_MS}.</li>
 * </ol>
 * Not thread-safe: one balancer thread uses it.
 */
final class AnaPlanner {
    private static final Logger log = LoggerFactory.getLogger(AnaPlanner.class);
    /** An entry of a group no longer in the catalog is removed after this long (ms) missing. */
    static final long REMOVE_AFTER_MS = 10_000;

    /** What a write does (and which failover it counts). */
    enum Kind { CREATE, UPDATE, ASSIGN, TAKEOVER, RELEASE, REVERT, REMOVE }

    /**
     * One compare-and-set write.
     *
     * @param beforeRaw the entry's JSON as read (the compare value); null for {@link Kind#CREATE}
     * @param before    that entry decoded; null for {@link Kind#CREATE}
     * @param after     the entry to write; null for {@link Kind#REMOVE}
     */
    record Write(Kind kind, String key, String beforeRaw, AnaOwner before, AnaOwner after) {}

    private final long settleMs;
    private final Map<String, Long> revertedAt = new HashMap<>();
    private final Map<String, Long> missingSince = new HashMap<>();

    /** @param settleMs failback settle delay (ms): a returning home gets its groups back after its lease held this long */
    AnaPlanner(long settleMs) {
        this.settleMs = settleMs;
    }

    /** @param raw the entries of map {@value AnaOwner#MAP} as read (key → JSON) */
    List<Write> plan(AnaTopology t, Map<String, String> raw) {
        Map<String, AnaOwner> cur = new HashMap<>();
        raw.forEach((k, v) -> {
            try {
                cur.put(k, AnaOwner.fromJson(new JsonObject(v)));
            } catch (DecodeException | IllegalArgumentException | NullPointerException | ClassCastException e) {
                log.warn("ANA owner entry {} unreadable, left alone: {}", k, e.toString());
            }
        });
        Map<String, String> home = new HashMap<>();
        Map<String, Boolean> pinned = new HashMap<>();
        assignHomes(t, cur, home, pinned);

        Map<String, Integer> owned = new HashMap<>();
        for (String k : t.groups().keySet()) {
            AnaOwner e = cur.get(k);
            if (e != null && e.owner() != null) owned.merge(e.owner(), 1, Integer::sum);
        }
        List<Write> writes = new ArrayList<>();
        for (AnaTopology.Group g : t.groups().values()) {
            String key = g.key();
            AnaOwner e = cur.get(key);
            String h = home.get(key);
            boolean p = pinned.get(key);
            if (e == null) {
                if (h != null && t.eligible(h, g.nqn())) {
                    writes.add(new Write(Kind.CREATE, key, null, null,
                            new AnaOwner(g.nqn(), g.anaGroup(), h, h, null, AnaOwner.Phase.OWNED, false, 1, t.now())));
                    owned.merge(h, 1, Integer::sum);
                }
                continue;
            }
            Write w = e.phase() == AnaOwner.Phase.OWNED ? owned(t, g, raw.get(key), e, h, p, owned)
                    : releasing(t, g, raw.get(key), e, h, p, owned);
            if (w != null) writes.add(w);
        }
        for (Map.Entry<String, AnaOwner> c : cur.entrySet()) {
            if (t.groups().containsKey(c.getKey())) {
                missingSince.remove(c.getKey());
                continue;
            }
            long since = missingSince.computeIfAbsent(c.getKey(), k -> t.now());
            if (t.generation() > 0 && t.now() - since >= REMOVE_AFTER_MS) {
                writes.add(new Write(Kind.REMOVE, c.getKey(), raw.get(c.getKey()), c.getValue(), null));
            }
        }
        missingSince.keySet().retainAll(cur.keySet());
        return writes;
    }

    private Write owned(AnaTopology t, AnaTopology.Group g, String raw, AnaOwner e, String h, boolean p,
                        Map<String, Integer> owned) {
        String o = e.owner();
        String target = target(t, g.nqn(), h, p, o, owned);
        if (o == null || !t.live(o)) {
            if (target != null) {
                owned.merge(target, 1, Integer::sum);
                return new Write(o == null ? Kind.ASSIGN : Kind.TAKEOVER, g.key(), raw, e, ownedBy(e, h, p, target, t.now()));
            }
        } else if (target != null && !target.equals(o) && !backingOff(g.key(), t.now())) {
            return new Write(Kind.RELEASE, g.key(), raw, e, new AnaOwner(e.subsystemNqn(), e.anaGroup(), h, o, target,
                    AnaOwner.Phase.RELEASING, p, e.epoch() + 1, t.now()));
        }
        if (!Objects.equals(h, e.home()) || p != e.pinned()) {
            return new Write(Kind.UPDATE, g.key(), raw, e, new AnaOwner(e.subsystemNqn(), e.anaGroup(), h, o, null,
                    AnaOwner.Phase.OWNED, p, e.epoch() + 1, t.now()));
        }
        return null;
    }

    private Write releasing(AnaTopology t, AnaTopology.Group g, String raw, AnaOwner e, String h, boolean p,
                            Map<String, Integer> owned) {
        String o = e.owner();
        if (!t.live(o)) {
            String target = t.eligible(e.next(), g.nqn()) ? e.next() : target(t, g.nqn(), h, p, null, owned);
            if (target == null) return null;
            owned.merge(target, 1, Integer::sum);
            return new Write(Kind.TAKEOVER, g.key(), raw, e, ownedBy(e, h, p, target, t.now()));
        }
        boolean timedOut = t.now() - e.changedAt() >= AnaOwner.HANDOFF_TIMEOUT_MS;
        if (!t.eligible(e.next(), g.nqn()) || timedOut) {
            if (timedOut) {
                revertedAt.put(g.key(), t.now());
                log.warn("ANA group {}: hand-off {} -> {} not completed within {} ms, reverted", g.key(), o, e.next(),
                        AnaOwner.HANDOFF_TIMEOUT_MS);
            }
            return new Write(Kind.REVERT, g.key(), raw, e, ownedBy(e, h, p, o, t.now()));
        }
        return null; // the owner completes it (AnaHandoff); home changes wait for OWNED
    }

    private boolean backingOff(String key, long now) {
        Long at = revertedAt.get(key);
        if (at == null) return false;
        if (now - at < AnaOwner.HANDOFF_TIMEOUT_MS) return true;
        revertedAt.remove(key);
        return false;
    }

    private String target(AnaTopology t, String nqn, String home, boolean pinned, String owner, Map<String, Integer> owned) {
        boolean homeOk = home != null && t.eligible(home, nqn);
        boolean ownerOk = owner != null && t.eligible(owner, nqn);
        if (homeOk && (!ownerOk || pinned || t.settled(home, settleMs))) return home;
        if (ownerOk) return owner;
        return least(t.eligible(nqn), owned);
    }

    private static AnaOwner ownedBy(AnaOwner e, String home, boolean pinned, String owner, long now) {
        return new AnaOwner(e.subsystemNqn(), e.anaGroup(), home, owner, null, AnaOwner.Phase.OWNED, pinned,
                e.epoch() + 1, now);
    }

    private static String least(List<String> candidates, Map<String, Integer> counts) {
        return candidates.stream().min(Comparator.<String>comparingInt(c -> counts.getOrDefault(c, 0))
                .thenComparing(Comparator.naturalOrder())).orElse(null);
    }

    private static void assignHomes(AnaTopology t, Map<String, AnaOwner> cur, Map<String, String> home,
                                    Map<String, Boolean> pinned) {
        Map<String, Integer> count = new HashMap<>();
        for (AnaTopology.Group g : t.groups().values()) {
            AnaOwner e = cur.get(g.key());
            String h = e == null ? null : e.home();
            boolean p = e != null && e.pinned();
            if (h != null && !t.serves(h, g.nqn())) { // no port of the home exports the subsystem any more
                log.info("ANA group {}: home {} no longer serves the subsystem", g.key(), h);
                h = null;
                p = false;
            }
            home.put(g.key(), h);
            pinned.put(g.key(), p);
            if (h != null) count.merge(h, 1, Integer::sum);
        }
        for (AnaTopology.Group g : t.groups().values()) {
            if (home.get(g.key()) != null) continue;
            String h = least(t.eligible(g.nqn()), count);
            if (h == null) continue;
            home.put(g.key(), h);
            count.merge(h, 1, Integer::sum);
        }
        // rebalance: unpinned homes move between eligible gateways while their counts differ by more than one
        // (each move lowers the sum of squared counts, so this ends)
        for (int pass = 0; pass < 1_000; pass++) {
            boolean moved = false;
            for (AnaTopology.Group g : t.groups().values()) {
                String h = home.get(g.key());
                if (h == null || pinned.get(g.key()) || !t.eligible(h, g.nqn())) continue;
                String y = least(t.eligible(g.nqn()), count);
                if (y != null && count.getOrDefault(h, 0) - count.getOrDefault(y, 0) > 1) {
                    log.info("ANA group {}: home {} -> {} to even out homes {}", g.key(), h, y, count);
                    home.put(g.key(), y);
                    count.merge(h, -1, Integer::sum);
                    count.merge(y, 1, Integer::sum);
                    moved = true;
                }
            }
            if (!moved) break;
        }
    }
}
