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
public final class Catalog {
    public static final String SUBSYSTEMS = "nvmegate.subsystems";
    public static final String NAMESPACES = "nvmegate.namespaces";
    public static final String PORTS = "nvmegate.ports";

    private final IMap<String, String> subsystems;
    private final IMap<String, String> namespaces;
    private final IMap<String, String> ports;

    public Catalog(HazelcastInstance hz) {
        this.subsystems = hz.getMap(SUBSYSTEMS);
        this.namespaces = hz.getMap(NAMESPACES);
        this.ports = hz.getMap(PORTS);
    }

    /**
     * Loads a configuration into the catalog. Entries already present (put by another member, or loaded before)
     * are kept: the first member to load a key wins, so members started with the same file agree.
     */
    public void load(CatalogConfig cfg) {
        for (SubsystemSpec s : cfg.subsystems()) subsystems.putIfAbsent(s.nqn(), s.toJson().encode());
        for (NamespaceSpec n : cfg.namespaces()) namespaces.putIfAbsent(n.key(), n.toJson().encode());
        for (PortSpec p : cfg.ports()) ports.putIfAbsent(Integer.toString(p.id()), p.toJson().encode());
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
