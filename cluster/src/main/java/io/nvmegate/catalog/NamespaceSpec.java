package io.nvmegate.catalog;

import io.vertx.core.json.JsonObject;

import io.vertx.core.json.JsonArray;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
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
 * @param worker       ID of the block worker that owns the namespace's data (RF 1); with replicas, the first
 *                     replica (the preferred leader), or the configured worker while the namespace is unplaced
 * @param enabled      a disabled namespace is inactive (Identify returns zeroes, I/O gets Invalid Namespace)
 * @param anaGroup     ANA group ID (Identify Namespace ANAGRPID, ANA log page), 1..{@value #MAX_ANA_GROUP};
 *                     JSON field {@code anaGroup}, default {@link #defaultAnaGroup}: each namespace its own group
 *                     up to NSID 128 (a group is the unit the ANA balancer places on a gateway, and the unit that
 *                     turns inaccessible when its storage cannot serve: one namespace's outage leaves the others'
 *                     groups accessible)
 * @param replicationFactor number of replicas, 1..{@value #MAX_REPLICATION_FACTOR} (JSON {@code replicationFactor},
 *                     default 1). 1: the namespace lives on {@code worker} alone, served directly (no Raft). More:
 *                     the namespace is one Raft group (Apache Ratis) over {@code replicas}; see
 *                     {@code io.nvmegate.blockio} for the addresses and statuses
 * @param replicas     worker IDs holding a replica, distinct, in placement order (JSON {@code replicas}): exactly
 *                     {@code replicationFactor} entries once placed; empty while a replicated namespace waits for
 *                     the catalog to place it (not served until then). For RF 1 always {@code [worker]}
 */
public record NamespaceSpec(String subsystemNqn, int nsid, UUID uuid, long sizeBytes, int blockSize,
                            String backend, String worker, boolean enabled, int anaGroup,
                            int replicationFactor, List<String> replicas) {
    public static final String DEFAULT_WORKER = "worker-1";
    /**
     * Benchmark/diagnostic backend: answered by the gateway itself, without the event bus or a block worker
     * (reads zeroes, keeps nothing); the floor of {@code bench/cost-breakdown.sh}.
     */
    public static final String NULL_GATEWAY = "null-gateway";
    /** Backend of a test namespace whose worker delays every store call (issue 18; {@code storage.SlowBlockStore}). */
    public static final String SLOW = "slow";
    /** Highest ANA group ID (Identify Controller ANAGRPMAX). */
    public static final int MAX_ANA_GROUP = 128;
    /** Highest replication factor. */
    public static final int MAX_REPLICATION_FACTOR = 5;

    public NamespaceSpec {
        if (anaGroup < 1 || anaGroup > MAX_ANA_GROUP) {
            throw new IllegalArgumentException("namespace.anaGroup must be 1.." + MAX_ANA_GROUP + ", got " + anaGroup);
        }
        if (replicationFactor < 1 || replicationFactor > MAX_REPLICATION_FACTOR) {
            throw new IllegalArgumentException("namespace.replicationFactor must be 1.." + MAX_REPLICATION_FACTOR + ", got " + replicationFactor);
        }
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
        if (replicationFactor == 1) {
            if (!replicas.isEmpty() && !(replicas.size() == 1 && replicas.get(0).equals(worker))) {
                throw new IllegalArgumentException("namespace.replicas of a namespace with replicationFactor 1 must be [worker], got " + replicas);
            }
            replicas = List.of(worker);
        } else {
            if (!replicas.isEmpty() && replicas.size() != replicationFactor) {
                throw new IllegalArgumentException("namespace.replicas must list replicationFactor (" + replicationFactor
                        + ") workers, got " + replicas.size());
            }
            if (new HashSet<>(replicas).size() != replicas.size()) {
                throw new IllegalArgumentException("namespace.replicas must be distinct workers, got " + replicas);
            }
            if (!replicas.isEmpty()) worker = replicas.get(0);
        }
    }

    /** A namespace with replication factor 1 on {@code worker}. */
    public NamespaceSpec(String subsystemNqn, int nsid, UUID uuid, long sizeBytes, int blockSize, String backend,
                         String worker, boolean enabled, int anaGroup) {
        this(subsystemNqn, nsid, uuid, sizeBytes, blockSize, backend, worker, enabled, anaGroup, 1, List.of(worker));
    }

    /** A namespace in ANA group 1. */
    public NamespaceSpec(String subsystemNqn, int nsid, UUID uuid, long sizeBytes, int blockSize, String backend,
                         String worker, boolean enabled) {
        this(subsystemNqn, nsid, uuid, sizeBytes, blockSize, backend, worker, enabled, 1);
    }

    /**
     * @return the ANA group of a namespace created without {@code anaGroup}: {@code ((nsid - 1) % 128) + 1} (NSID
     *         1 → group 1, ..., 128 → 128, 129 → 1), NSID taken unsigned
     */
    public static int defaultAnaGroup(long nsid) {
        return (int) ((nsid - 1) % MAX_ANA_GROUP) + 1;
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

    /**
     * @return the event-bus address of the block worker serving this namespace with replication factor 1
     *         ({@code "nvmegate.block.<uuid>"})
     */
    public String address() { return "nvmegate.block." + uuid; }

    /**
     * @return the event-bus address of the replica of this (replicated) namespace on worker {@code workerId}:
     *         {@code "nvmegate.block.<uuid>@<workerId>"}; the leader serves requests there, a follower redirects
     *         (see {@code io.nvmegate.blockio})
     */
    public String address(String workerId) { return "nvmegate.block." + uuid + "@" + workerId; }

    /** @return whether this namespace is replicated (replication factor above 1: a Raft group) */
    public boolean replicated() { return replicationFactor > 1; }

    /** @return whether the catalog has placed the replicas (always for RF 1) */
    public boolean placed() { return replicas.size() == replicationFactor; }

    /** @return this namespace with {@code replicas} (placement or a replica move); worker becomes the first */
    public NamespaceSpec withReplicas(List<String> replicas) {
        return new NamespaceSpec(subsystemNqn, nsid, uuid, sizeBytes, blockSize, backend,
                replicas.isEmpty() ? worker : replicas.get(0), enabled, anaGroup, replicationFactor, replicas);
    }

    public JsonObject toJson() {
        return new JsonObject().put("subsystem", subsystemNqn).put("nsid", Integer.toUnsignedLong(nsid))
                .put("uuid", uuid.toString()).put("size", sizeBytes).put("blockSize", blockSize)
                .put("backend", backend).put("worker", worker).put("enabled", enabled).put("anaGroup", anaGroup)
                .put("replicationFactor", replicationFactor).put("replicas", new JsonArray(replicas));
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
        if (!backend.equals("rocksdb") && !backend.equals("null") && !backend.equals("memory") && !backend.equals(NULL_GATEWAY)
                && !backend.equals(SLOW)) {
            throw new IllegalArgumentException("namespace.backend must be rocksdb, memory or null, got " + backend);
        }
        String u = j.getString("uuid");
        UUID uuid = u == null ? defaultUuid(nqn, nsid) : UUID.fromString(u);
        Object rfv = j.getValue("replicationFactor", 1);
        if (!(rfv instanceof Number)) throw new IllegalArgumentException("namespace.replicationFactor must be a number, got " + rfv);
        int rf = ((Number) rfv).intValue();
        Object rv = j.getValue("replicas");
        List<String> replicas = List.of();
        if (rv != null) {
            if (!(rv instanceof JsonArray a)) throw new IllegalArgumentException("namespace.replicas must be an array of worker IDs");
            for (Object o : a) {
                if (!(o instanceof String)) throw new IllegalArgumentException("namespace.replicas must be an array of worker IDs, got " + o);
            }
            replicas = a.getList().stream().map(Object::toString).toList();
        }
        if (rf > 1 && !"rocksdb".equals(backend) && !"null".equals(backend)) {
            throw new IllegalArgumentException("namespace.replicationFactor above 1 needs backend rocksdb or null, got " + backend);
        }
        String worker = j.getString("worker", replicas.isEmpty() ? DEFAULT_WORKER : replicas.get(0));
        return new NamespaceSpec(nqn, nsid, uuid, size, bs, backend, worker, j.getBoolean("enabled", true),
                j.getInteger("anaGroup", defaultAnaGroup(nsidL)), rf, rf == 1 && replicas.isEmpty() ? List.of(worker) : replicas);
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
