package io.nvmegate.catalog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The cluster catalog: subsystems, namespaces and ports in Hazelcast maps, each value the JSON form of its
 * record (so every member reads the same bytes whatever its classpath). Reads go to the distributed maps;
 * callers that need a consistent view should read once per operation.
 */
public final class Catalog implements CatalogState {
    public static final String SUBSYSTEMS = "nvmegate.subsystems";
    public static final String NAMESPACES = "nvmegate.namespaces";
    public static final String PORTS = "nvmegate.ports";
    /** Cluster-wide settings ({@link GlobalSpec}, one entry; also the "seeded" marker). */
    public static final String GLOBAL = "nvmegate.global";
    /** Known hosts ({@link HostSpec}, key: host NQN). */
    public static final String HOSTS = "nvmegate.hosts";
    /** Discovery referrals ({@link ReferralSpec}, key: id). */
    public static final String REFERRALS = "nvmegate.referrals";
    /**
     * The catalog generation (one entry, key {@value #GENERATION_KEY}, value a decimal {@code long}): incremented
     * after every mutation made through this class, replicated and persisted like the other maps, so every member
     * (and every discovery service instance) reports the same GENCTR for the same catalog, across restarts.
     */
    public static final String GENERATION = "nvmegate.generation";
    public static final String GENERATION_KEY = "genctr";
    /** Every catalog map: these are persisted when the cluster has a catalog store ({@link CatalogMapStore}). */
    public static final List<String> MAPS = List.of(SUBSYSTEMS, NAMESPACES, PORTS, GLOBAL, HOSTS, REFERRALS, GENERATION);

    private final IMap<String, String> subsystems;
    private final IMap<String, String> namespaces;
    private final IMap<String, String> ports;
    private final IMap<String, String> global;
    private final IMap<String, String> hosts;
    private final IMap<String, String> referrals;
    private final IMap<String, String> generation;
    /** Seals the secret fields of hosts on their way into Hazelcast ({@link SecretSeal#HOST_SECRET_FIELDS}). */
    private final SecretSeal seal;
    private final HazelcastInstance hz;

    /** The catalog of {@code hz}, sealing host secrets with the {@link SecretSeal} installed in its configuration. */
    public Catalog(HazelcastInstance hz) {
        this.hz = hz;
        this.seal = SecretSeal.of(hz);
        this.subsystems = hz.getMap(SUBSYSTEMS);
        this.namespaces = hz.getMap(NAMESPACES);
        this.ports = hz.getMap(PORTS);
        this.global = hz.getMap(GLOBAL);
        this.hosts = hz.getMap(HOSTS);
        this.referrals = hz.getMap(REFERRALS);
        this.generation = hz.getMap(GENERATION);
    }

    /** @return the Hazelcast member this catalog reads and writes through (for the worker directory and replication status maps) */
    public HazelcastInstance hazelcast() { return hz; }

    /**
     * The cluster-wide catalog generation: 0 for a catalog never written, then one more after every mutation
     * (the Discovery Log Page's GENCTR, NVMe Base 2.0 section 5.16.1.23, and the ANA log's change count). It is
     * bumped after the mutation's write, so a reader that reads the generation, then the maps, then the generation
     * again and sees the same value has every change counted up to it.
     */
    public long generation() {
        String v = generation.get(GENERATION_KEY);
        return v == null ? 0 : Long.parseLong(v);
    }

    /** Increments the generation: a compare-and-set loop on the single entry, safe across members. */
    private void bump() {
        while (true) {
            String old = generation.get(GENERATION_KEY);
            if (old == null) {
                if (generation.putIfAbsent(GENERATION_KEY, "1") == null) return;
            } else if (generation.replace(GENERATION_KEY, old, Long.toString(Long.parseLong(old) + 1))) {
                return;
            }
        }
    }

    /**
     * Seeds the catalog from a configuration file once: when the catalog has never been seeded (no
     * {@link GlobalSpec} entry, e.g. a fresh cluster without a persisted catalog) the file is {@link #load loaded}
     * and the global entry written; afterwards (a restart over a persisted catalog, or changes made through the
     * management API) the file is ignored.
     *
     * @return true if the file was loaded
     */
    public boolean seed(CatalogConfig cfg) {
        if (global.containsKey(GlobalSpec.KEY)) return false;
        load(cfg);
        global.putIfAbsent(GlobalSpec.KEY, GlobalSpec.defaults().toJson().encode());
        bump();
        return true;
    }

    /** @return the global settings (defaults when never set). */
    public GlobalSpec global() {
        String v = global.get(GlobalSpec.KEY);
        return v == null ? GlobalSpec.defaults() : GlobalSpec.fromJson(new JsonObject(v), GlobalSpec.defaults());
    }

    public void putGlobal(GlobalSpec g) {
        global.set(GlobalSpec.KEY, g.toJson().encode());
        bump();
    }

    public void putSubsystem(SubsystemSpec s) {
        subsystems.set(s.nqn(), s.toJson().encode());
        bump();
    }

    public void removeSubsystem(String nqn) {
        subsystems.delete(nqn);
        bump();
    }

    public void putNamespace(NamespaceSpec n) {
        namespaces.set(n.key(), n.toJson().encode());
        bump();
    }

    public void removeNamespace(String nqn, int nsid) {
        namespaces.delete(NamespaceSpec.key(nqn, nsid));
        bump();
    }

    public Optional<PortSpec> port(int id) {
        String v = ports.get(Integer.toString(id));
        return v == null ? Optional.empty() : Optional.of(PortSpec.fromJson(new JsonObject(v)));
    }

    public void putPort(PortSpec p) {
        ports.set(Integer.toString(p.id()), p.toJson().encode());
        bump();
    }

    public void removePort(int id) {
        ports.delete(Integer.toString(id));
        bump();
    }

    /**
     * @return every host, its secrets opened
     * @throws IllegalStateException when a sealed secret cannot be opened ({@link SecretSeal#open})
     */
    public List<HostSpec> hosts() { return read(hosts, this::openHost, Comparator.comparing(HostSpec::nqn)); }

    public Optional<HostSpec> host(String nqn) {
        String v = hosts.get(nqn);
        return v == null ? Optional.empty() : Optional.of(openHost(new JsonObject(v)));
    }

    /** Writes {@code h}, its secrets sealed when this member has a cluster secret key. */
    public void putHost(HostSpec h) {
        hosts.set(h.nqn(), seal.seal(HOSTS, h.nqn(), h.toJson(), SecretSeal.HOST_SECRET_FIELDS).encode());
        bump();
    }

    private HostSpec openHost(JsonObject stored) {
        return HostSpec.fromJson(seal.open(HOSTS, stored.getString("nqn"), stored, SecretSeal.HOST_SECRET_FIELDS));
    }

    public void removeHost(String nqn) {
        hosts.delete(nqn);
        bump();
    }

    public List<ReferralSpec> referrals() {
        return read(referrals, ReferralSpec::fromJson, Comparator.comparingInt(ReferralSpec::id));
    }

    public Optional<ReferralSpec> referral(int id) {
        String v = referrals.get(Integer.toString(id));
        return v == null ? Optional.empty() : Optional.of(ReferralSpec.fromJson(new JsonObject(v)));
    }

    public void putReferral(ReferralSpec r) {
        referrals.set(Integer.toString(r.id()), r.toJson().encode());
        bump();
    }

    public void removeReferral(int id) {
        referrals.delete(Integer.toString(id));
        bump();
    }

    /**
     * Removes every entry of every catalog map (global settings included), key by key: each removal is an entry
     * event ordered with later writes of the same key (a map-wide clear event is not). The generation is kept and
     * bumped: GENCTR never goes backwards.
     */
    public void clear() {
        for (IMap<String, String> m : List.of(subsystems, namespaces, ports, global, hosts, referrals)) {
            for (String k : List.copyOf(m.keySet())) m.delete(k);
        }
        bump();
    }

    /**
     * Runs {@code body} holding the cluster-wide catalog lock (a Hazelcast map lock on the global map), so
     * check-then-write sequences of different members do not interleave.
     */
    public <T> T locked(java.util.function.Supplier<T> body) {
        global.lock("__catalog_lock__");
        try {
            return body.get();
        } finally {
            global.unlock("__catalog_lock__");
        }
    }

    /**
     * Loads a configuration into the catalog. Entries already present (put by another member, or loaded before)
     * are kept: the first member to load a key wins, so members started with the same file agree.
     */
    public void load(CatalogConfig cfg) {
        boolean changed = false;
        for (SubsystemSpec s : cfg.subsystems()) changed |= subsystems.putIfAbsent(s.nqn(), s.toJson().encode()) == null;
        for (NamespaceSpec n : cfg.namespaces()) changed |= namespaces.putIfAbsent(n.key(), n.toJson().encode()) == null;
        for (PortSpec p : cfg.ports()) changed |= ports.putIfAbsent(Integer.toString(p.id()), p.toJson().encode()) == null;
        if (changed) bump();
    }

    public List<SubsystemSpec> subsystems() {
        return read(subsystems, SubsystemSpec::fromJson, Comparator.comparing(SubsystemSpec::nqn));
    }

    public Optional<SubsystemSpec> subsystem(String nqn) {
        String v = subsystems.get(nqn);
        return v == null ? Optional.empty() : Optional.of(SubsystemSpec.fromJson(new JsonObject(v)));
    }

    /** @return every namespace, ordered by subsystem NQN then NSID. */
    public List<NamespaceSpec> namespaces() {
        return read(namespaces, j -> NamespaceSpec.fromJson(j, null),
                Comparator.comparing(NamespaceSpec::subsystemNqn).thenComparing(n -> Integer.toUnsignedLong(n.nsid())));
    }

    /** @return the namespaces of one subsystem, ordered by NSID. */
    public List<NamespaceSpec> namespaces(String nqn) {
        return namespaces().stream().filter(n -> n.subsystemNqn().equals(nqn)).toList();
    }

    public Optional<NamespaceSpec> namespace(String nqn, int nsid) {
        String v = namespaces.get(NamespaceSpec.key(nqn, nsid));
        return v == null ? Optional.empty() : Optional.of(NamespaceSpec.fromJson(new JsonObject(v), null));
    }

    public Optional<NamespaceSpec> namespace(UUID uuid) {
        return namespaces().stream().filter(n -> n.uuid().equals(uuid)).findFirst();
    }

    public List<PortSpec> ports() {
        return read(ports, PortSpec::fromJson, Comparator.comparingInt(PortSpec::id));
    }

    private static <T> List<T> read(IMap<String, String> map, Function<JsonObject, T> parse, Comparator<T> order) {
        return map.values().stream().map(v -> parse.apply(new JsonObject(v))).sorted(order).toList();
    }
}
