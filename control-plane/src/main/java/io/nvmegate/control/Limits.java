package io.nvmegate.control;

import io.vertx.core.json.JsonObject;

/**
 * The configured limits of a node (issue 18, "Limits with clear answers"), each exhausted with a clear answer:
 *
 * @param maxSubsystems              subsystems in the catalog; one more → 409 {@code maxSubsystems}
 * @param maxNamespaces              namespaces in the catalog, all subsystems together (each subsystem also has its
 *                                   own {@code maxNamespaces}, the highest NSID, ≤ 1024); one more → 409 {@code maxNamespaces}
 * @param maxHosts                   hosts in the catalog; one more → 409 {@code maxHosts}
 * @param maxHostsPerSubsystem       hosts linked to one subsystem; one more → 409 {@code maxHostsPerSubsystem}
 * @param maxControllersPerSubsystem live controllers of one subsystem on a gateway; one more admin Connect → Connect
 *                                   Controller Busy (NVMe-oF 1.1 section 3.3, SCT 1 SC 81h), without DNR
 * @param maxConnections             open TCP connections per NVMe/TCP listener; one more is closed at accept
 *                                   ({@code nvmegate_connections_refused_total{role}})
 */
public record Limits(int maxSubsystems, int maxNamespaces, int maxHosts, int maxHostsPerSubsystem,
                     int maxControllersPerSubsystem, int maxConnections) {

    public Limits {
        positive("maxSubsystems", maxSubsystems);
        positive("maxNamespaces", maxNamespaces);
        positive("maxHosts", maxHosts);
        positive("maxHostsPerSubsystem", maxHostsPerSubsystem);
        positive("maxControllersPerSubsystem", maxControllersPerSubsystem);
        positive("maxConnections", maxConnections);
    }

    /** 1024 subsystems, 4096 namespaces, 4096 hosts, 1024 hosts per subsystem, 1024 controllers per subsystem, 10000 connections. */
    public static Limits defaults() {
        return new Limits(1024, 4096, 4096, 1024, 1024, 10_000);
    }

    private static void positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1, not " + v);
    }

    /** The {@code GET /api/v1/limits} body: one field per component, same names. */
    public JsonObject toJson() {
        return new JsonObject().put("maxSubsystems", maxSubsystems).put("maxNamespaces", maxNamespaces)
                .put("maxHosts", maxHosts).put("maxHostsPerSubsystem", maxHostsPerSubsystem)
                .put("maxControllersPerSubsystem", maxControllersPerSubsystem).put("maxConnections", maxConnections);
    }
}
