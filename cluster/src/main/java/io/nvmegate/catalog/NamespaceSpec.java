package io.nvmegate.catalog;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A namespace of a subsystem, as kept in the catalog (Hazelcast map {@value Catalog#NAMESPACES}, key
 * {@code "<subnqn>#<nsid>"}, value: this record as JSON).
 *
 * @param subsystemNqn owning subsystem
 * @param nsid         namespace ID, 1..{@code 0xFFFFFFFE}
 * @param uuid         namespace UUID; also the storage key and, as 16 bytes, the NGUID. Stable across restarts,
 *                     unique across subsystems
 * @param sizeBytes    capacity in bytes (a multiple of {@code blockSize})
 * @param blockSize    logical block size in bytes: 512 or 4096
 * @param backend      {@code rocksdb} (keeps data), {@code memory} (keeps data in RAM until the worker stops) or
 *                     {@code null} (keeps nothing, reads zeroes); {@value #NULL_GATEWAY} is a benchmark mode
 *                     answered by the gateway without a block worker
 * @param worker       ID of the block worker that owns the namespace's data
 * @param enabled      a disabled namespace is inactive (Identify returns zeroes, I/O gets Invalid Namespace)
 * @param anaGroup     ANA group ID (Identify Namespace ANAGRPID, ANA log page), 1..{@value #MAX_ANA_GROUP};
 *                     JSON field {@code anaGroup}, default 1
 */
public record NamespaceSpec(String subsystemNqn, int nsid, UUID uuid, long sizeBytes, int blockSize,
                            String backend, String worker, boolean enabled, int anaGroup) {
    public static final String DEFAULT_WORKER = "worker-1";
    /**
     * Benchmark/diagnostic backend: answered by the gateway itself, without the event bus or a block worker
     * (reads zeroes, keeps nothing); the floor of {@code bench/cost-breakdown.sh}.
     */
    public static final String NULL_GATEWAY = "null-gateway";
    /** Highest ANA group ID (Identify Controller ANAGRPMAX). */
    public static final int MAX_ANA_GROUP = 128;

    public NamespaceSpec {
        if (anaGroup < 1 || anaGroup > MAX_ANA_GROUP) {
            throw new IllegalArgumentException("namespace.anaGroup must be 1.." + MAX_ANA_GROUP + ", got " + anaGroup);
        }
    }

    /** A namespace in ANA group 1. */
    public NamespaceSpec(String subsystemNqn, int nsid, UUID uuid, long sizeBytes, int blockSize, String backend,
                         String worker, boolean enabled) {
        this(subsystemNqn, nsid, uuid, sizeBytes, blockSize, backend, worker, enabled, 1);
    }

    /** @return the number of logical blocks (NSZE). */
    public long blocks() { return sizeBytes / blockSize; }

    /** @return the catalog key {@code "<subnqn>#<nsid>"}. */
    public String key() { return key(subsystemNqn, nsid); }

    public static String key(String subnqn, int nsid) { return subnqn + "#" + Integer.toUnsignedString(nsid); }

    /** @return the deterministic UUID given to a namespace created without one (name-based, from NQN and NSID). */
    public static UUID defaultUuid(String subnqn, int nsid) {
        return UUID.nameUUIDFromBytes(("nvmegate:" + subnqn + "#" + nsid).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the event-bus address of the block worker serving this namespace. */
    public String address() { return "nvmegate.block." + uuid; }

    public JsonObject toJson() {
        return new JsonObject().put("subsystem", subsystemNqn).put("nsid", Integer.toUnsignedLong(nsid))
                .put("uuid", uuid.toString()).put("size", sizeBytes).put("blockSize", blockSize)
                .put("backend", backend).put("worker", worker).put("enabled", enabled).put("anaGroup", anaGroup);
    }

    /**
     * Parses the catalog/config form. {@code subsystem} may be omitted when the namespace is nested in a
     * subsystem (then {@code defaultNqn} is used); {@code size} accepts a number of bytes or a string with a
     * K/M/G/T suffix (binary units).
     *
     * @throws IllegalArgumentException naming the bad field
     */
    public static NamespaceSpec fromJson(JsonObject j, String defaultNqn) {
        String nqn = j.getString("subsystem", defaultNqn);
        if (nqn == null) throw new IllegalArgumentException("namespace.subsystem is required");
        long nsidL = j.getLong("nsid", 1L);
        if (nsidL < 1 || nsidL > 0xFFFFFFFEL) throw new IllegalArgumentException("namespace.nsid must be 1..4294967294, got " + nsidL);
        int nsid = (int) nsidL;
        int bs = j.getInteger("blockSize", 4096);
        if (bs != 512 && bs != 4096) throw new IllegalArgumentException("namespace.blockSize must be 512 or 4096, got " + bs);
        Object sz = j.getValue("size", "1G");
        long size = sz instanceof Number n ? n.longValue() : parseSize(sz.toString());
        if (size <= 0 || size % bs != 0) throw new IllegalArgumentException("namespace.size must be a positive multiple of blockSize " + bs + ", got " + size);
        String backend = j.getString("backend", "rocksdb");
        if (!backend.equals("rocksdb") && !backend.equals("null") && !backend.equals("memory") && !backend.equals(NULL_GATEWAY)) {
            throw new IllegalArgumentException("namespace.backend must be rocksdb, memory or null, got " + backend);
        }
        String u = j.getString("uuid");
        UUID uuid = u == null ? defaultUuid(nqn, nsid) : UUID.fromString(u);
        return new NamespaceSpec(nqn, nsid, uuid, size, bs, backend, j.getString("worker", DEFAULT_WORKER), j.getBoolean("enabled", true),
                j.getInteger("anaGroup", 1));
    }

    /** Parses "1G", "512M", "4096" (binary units). */
    public static long parseSize(String s) {
        String t = s.trim().toUpperCase();
        long mul = 1;
        if (t.endsWith("IB")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        char c = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (c) {
            case 'K': mul = 1L << 10; break;
            case 'M': mul = 1L << 20; break;
            case 'G': mul = 1L << 30; break;
            case 'T': mul = 1L << 40; break;
            default: mul = 0;
        }
        if (mul != 0) t = t.substring(0, t.length() - 1);
        else mul = 1;
        try {
            return Long.parseLong(t.trim()) * mul;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("namespace.size: cannot parse '" + s + "'");
        }
    }
}
