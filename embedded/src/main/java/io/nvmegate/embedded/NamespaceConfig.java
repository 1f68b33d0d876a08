package io.nvmegate.embedded;

import io.nvmegate.catalog.NamespaceSpec;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * A namespace of an embedded target.
 *
 * @param subsystemNqn owning subsystem
 * @param nsid         namespace ID, 1..{@code 0xFFFFFFFE} (as an unsigned int)
 * @param sizeBytes    capacity in bytes, a positive multiple of {@code blockSize} (thin-provisioned on every backend)
 * @param blockSize    logical block size in bytes: 512 or 4096
 * @param backend      where blocks are kept
 */
public record NamespaceConfig(String subsystemNqn, int nsid, long sizeBytes, int blockSize, Backend backend) {

    /** @throws IllegalArgumentException if a field is invalid */
    public NamespaceConfig {
        Objects.requireNonNull(subsystemNqn, "subsystemNqn");
        Objects.requireNonNull(backend, "backend");
        NamespaceSpec.fromJson(json(subsystemNqn, nsid, sizeBytes, blockSize, backend), subsystemNqn); // validates
    }

    /** @return the number of logical blocks (Identify Namespace NSZE) */
    public long blocks() { return sizeBytes / blockSize; }

    /** @return the namespace UUID (also its NGUID): derived from NQN and NSID, as the standalone target does */
    public java.util.UUID uuid() { return NamespaceSpec.defaultUuid(subsystemNqn, nsid); }

    /** @return the configuration-file form (a {@code namespaces[]} entry) */
    JsonObject toJson() {
        return json(subsystemNqn, nsid, sizeBytes, blockSize, backend);
    }

    private static JsonObject json(String subsystemNqn, int nsid, long sizeBytes, int blockSize, Backend backend) {
        return new JsonObject().put("subsystem", subsystemNqn).put("nsid", Integer.toUnsignedLong(nsid))
                .put("size", sizeBytes).put("blockSize", blockSize).put("backend", backend.name());
    }

    NamespaceSpec toSpec() {
        return NamespaceSpec.fromJson(toJson(), subsystemNqn);
    }
}
