package io.nvmegate.embedded;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a target serves, shared by {@link NvmegateTarget} and {@link NvmegateProcess}: subsystems, namespaces,
 * listeners and the optional discovery listener. Validated when built.
 */
record TargetSpec(List<SubsystemConfig> subsystems, List<NamespaceConfig> namespaces, List<ListenerConfig> listeners,
                  ListenerConfig discovery, TcpTransportOptions transport) {

    TargetSpec {
        subsystems = List.copyOf(subsystems);
        namespaces = List.copyOf(namespaces);
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(transport, "transport");
        if (subsystems.isEmpty()) throw new IllegalStateException("a target needs at least one subsystem");
        if (listeners.isEmpty()) throw new IllegalStateException("a target needs at least one listener");
        Map<String, SubsystemConfig> byNqn = new LinkedHashMap<>();
        for (SubsystemConfig s : subsystems) {
            if (byNqn.put(s.nqn(), s) != null) throw new IllegalArgumentException("subsystem " + s.nqn() + " defined twice");
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (NamespaceConfig n : namespaces) {
            if (!byNqn.containsKey(n.subsystemNqn())) throw new IllegalArgumentException("namespace " + n.nsid() + " names unknown subsystem " + n.subsystemNqn());
            if (!keys.add(n.subsystemNqn() + "#" + n.nsid())) throw new IllegalArgumentException("namespace " + n.subsystemNqn() + " NSID " + n.nsid() + " defined twice");
        }
        if (rocksDbDirectories(namespaces).size() > 1) {
            throw new IllegalArgumentException("all RocksDB namespaces of one target must use the same directory, got "
                    + rocksDbDirectories(namespaces));
        }
    }

    private static List<Path> rocksDbDirectories(List<NamespaceConfig> namespaces) {
        return namespaces.stream().map(n -> n.backend().directory()).filter(Objects::nonNull).distinct().toList();
    }

    /** @return the RocksDB directory of the target's RocksDB namespaces, or null if none uses RocksDB */
    Path rocksDbDirectory() {
        List<Path> dirs = rocksDbDirectories(namespaces);
        return dirs.isEmpty() ? null : dirs.get(0);
    }

    /** @return the listener ports to use: configured ones, free ones picked now for port 0 */
    List<Integer> resolvePorts() {
        List<Integer> ports = new ArrayList<>();
        for (ListenerConfig l : listeners) ports.add(l.port() != 0 ? l.port() : FreePorts.pick(l.host()));
        return ports;
    }

    /** @return true if some listener (or the discovery listener) asks for port 0 */
    boolean hasEphemeralPorts() {
        return listeners.stream().anyMatch(l -> l.port() == 0) || (discovery != null && discovery.port() == 0);
    }

    /**
     * The configuration-file form (the {@code --config} JSON of the launcher), with listener {@code i} on
     * {@code ports.get(i)}; catalog port IDs are 1, 2, ... in listener order.
     */
    JsonObject configJson(List<Integer> ports) {
        JsonArray subs = new JsonArray();
        for (SubsystemConfig s : subsystems) {
            JsonArray nss = new JsonArray();
            for (NamespaceConfig n : namespaces) if (n.subsystemNqn().equals(s.nqn())) nss.add(n.toJson());
            subs.add(s.toJson().put("namespaces", nss));
        }
        JsonArray ps = new JsonArray();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig l = listeners.get(i);
            JsonObject p = new JsonObject().put("id", i + 1).put("adrfam", l.host().contains(":") ? "ipv6" : "ipv4")
                    .put("traddr", l.host()).put("trsvcid", ports.get(i));
            if (l.advertisedAddress() != null) p.put("advertisedAddress", l.advertisedAddress());
            ps.add(p);
        }
        return new JsonObject().put("subsystems", subs).put("ports", ps);
    }

    CatalogConfig catalogConfig(List<Integer> ports) {
        return CatalogConfig.parse(configJson(ports));
    }

    /** @return the address a client on this machine connects to for listener 0 */
    String connectHost() {
        ListenerConfig l = listeners.get(0);
        if (l.host().equals("0.0.0.0")) return "127.0.0.1";
        if (l.host().equals("::")) return "::1";
        return l.host();
    }
}
