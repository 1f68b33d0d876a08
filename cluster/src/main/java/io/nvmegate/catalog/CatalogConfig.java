package io.nvmegate.catalog;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration file (JSON) that seeds the catalog. Schema (all fields optional except {@code nqn}):
 *
 * <pre>
 * {
 *   "subsystems": [ { "nqn": "nqn.2026-11.io.nvmegate:disk1", "serial": "...", "model": "nvmegate",
 *                     "firmware": "0.1.0", "allowAnyHost": true, "hosts": ["nqn..."],
 *                     "namespaces": [ { "nsid": 1, "size": "1G", "blockSize": 4096, "backend": "rocksdb",
 *                                       "uuid": "...", "worker": "worker-1", "enabled": true } ] } ],
 *   "ports": [ { "id": 1, "trtype": "tcp", "adrfam": "ipv4", "traddr": "0.0.0.0", "trsvcid": 4420,
 *                "advertisedAddress": "10.0.2.2", "gateway": null, "subsystems": [] } ]
 * }
 * </pre>
 */
public record CatalogConfig(List<SubsystemSpec> subsystems, List<NamespaceSpec> namespaces, List<PortSpec> ports) {
    /** NQN of the subsystem a new user gets when no configuration is given. */
    public static final String DEFAULT_NQN = "nqn.2026-11.io.nvmegate:disk1";

    /** @return one subsystem, one 1 GiB thin-provisioned RocksDB namespace (4096-byte blocks), port 4420. */
    public static CatalogConfig defaults(int ioPort) {
        return parse(new JsonObject()
                .put("subsystems", new JsonArray().add(new JsonObject().put("nqn", DEFAULT_NQN)
                        .put("namespaces", new JsonArray().add(new JsonObject().put("nsid", 1).put("size", "1G")))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("trsvcid", ioPort))));
    }

    /** @throws IllegalArgumentException naming the file and the bad field */
    public static CatalogConfig read(Path file) throws IOException {
        try {
            return parse(new JsonObject(Files.readString(file)));
        } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static CatalogConfig parse(JsonObject j) {
        List<SubsystemSpec> subs = new ArrayList<>();
        List<NamespaceSpec> nss = new ArrayList<>();
        List<PortSpec> ports = new ArrayList<>();
        for (Object o : j.getJsonArray("subsystems", new JsonArray())) {
            JsonObject sj = (JsonObject) o;
            SubsystemSpec s = SubsystemSpec.fromJson(sj);
            subs.add(s);
            for (Object n : sj.getJsonArray("namespaces", new JsonArray())) {
                nss.add(NamespaceSpec.fromJson((JsonObject) n, s.nqn()));
            }
        }
        for (Object o : j.getJsonArray("ports", new JsonArray())) ports.add(PortSpec.fromJson((JsonObject) o));
        return new CatalogConfig(subs, nss, ports);
    }
}
