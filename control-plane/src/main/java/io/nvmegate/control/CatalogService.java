package io.nvmegate.control;

import io.nvmegate.catalog.Catalog;
import io.nvmegate.catalog.CatalogState;
import io.nvmegate.catalog.GlobalSpec;
import io.nvmegate.catalog.HostSpec;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.ReferralSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Validation and create/read/update/delete over the {@link Catalog} for the management API (TrueNAS-style
 * resources: global, subsystem, namespace, port, port↔subsystem, host, host↔subsystem, referral). Every call
 * blocks (Hazelcast); mutations run under the cluster-wide catalog lock, validate everything first and only then
 * write, so a refused request leaves the catalog unchanged. Failures are {@link ApiException}s: 400 invalid field,
 * 404 unknown resource, 409 conflict (duplicate NQN/NSID/port, or deleting what is still linked without
 * {@code force}, or a {@link Limits} reached: the error's field is the limit's name, e.g. {@code maxSubsystems}).
 */
public final class CatalogService {
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private static final List<String> RESTORE_FIELDS = List.of("global", "subsystems", "ports", "hosts", "referrals");

    private final CatalogState catalog;
    private final Catalog cluster;
    /** Workers, placement and replication status; null for the draft of a restore (see {@link #restore}). */
    private final ReplicationAdmin replication;
    private final Limits limits;

    public CatalogService(Catalog catalog) {
        this(catalog, Limits.defaults());
    }

    /** @param limits the most subsystems, namespaces, hosts and hosts per subsystem the catalog may hold */
    public CatalogService(Catalog catalog, Limits limits) {
        this(catalog, catalog, new ReplicationAdmin(catalog), limits);
    }

    private CatalogService(CatalogState state, Catalog cluster, ReplicationAdmin replication, Limits limits) {
        this.catalog = state;
        this.cluster = cluster;
        this.replication = replication;
        this.limits = limits;
    }

    /**
     * A service over an empty in-memory catalog ({@link DraftCatalog}, as {@link #restore} stages a document), with no
     * replication admin (no placement, no workers): the create/update/link operations and their checks without a
     * cluster, for the body fuzz target.
     */
    static CatalogService draft() {
        return draft(new DraftCatalog());
    }

    /** {@link #draft()} over the given in-memory catalog. */
    static CatalogService draft(DraftCatalog state) {
        return new CatalogService(state, null, null, Limits.defaults());
    }

    /** The cluster catalog this service manages. */
    public Catalog catalog() { return cluster; }

    /** The limits this service enforces ({@code GET /api/v1/limits}). */
    public Limits limits() { return limits; }

    /** 409 naming {@code limit} when {@code count} more would pass {@code max}. */
    private static void within(String limit, int count, int max, String what) {
        if (count > max) throw ApiException.conflict(limit, what + ": " + count + " would exceed " + limit + " " + max);
    }

    private <T> T write(Supplier<T> body) {
        try {
            return catalog.locked(body);
        } catch (IllegalArgumentException e) {
            throw ApiException.from(e);
        }
    }

    // ---- global

    public JsonObject global() { return catalog.global().toJson(); }

    public JsonObject updateGlobal(JsonObject body) {
        FieldTypes.check(body, FieldTypes.GLOBAL);
        return write(() -> {
            GlobalSpec g = GlobalSpec.fromJson(FieldTypes.withoutNulls(body), catalog.global());
            catalog.putGlobal(g);
            return g.toJson();
        });
    }

    // ---- subsystems

    public JsonArray subsystems() {
        return new JsonArray(catalog.subsystems().stream().map(this::subsystemJson).toList());
    }

    public JsonObject subsystem(String nqn) { return subsystemJson(requireSubsystem(nqn)); }

    private JsonObject subsystemJson(SubsystemSpec s) {
        return s.toJson().put("namespaces", catalog.namespaces(s.nqn()).size());
    }

    public JsonObject createSubsystem(JsonObject body) {
        FieldTypes.check(body, FieldTypes.SUBSYSTEM);
        return write(() -> {
            JsonObject j = FieldTypes.withoutNulls(body);
            String name = (String) j.remove("name");
            if (!j.containsKey("nqn")) {
                if (name == null) throw ApiException.invalid("nqn", "nqn (or name, appended to the global baseNqn) is required");
                j.put("nqn", catalog.global().baseNqn() + ":" + name);
            }
            SubsystemSpec s = SubsystemSpec.fromJson(j);
            if (catalog.subsystem(s.nqn()).isPresent()) throw ApiException.conflict("nqn", "subsystem " + s.nqn() + " already exists");
            within("maxSubsystems", catalog.subsystems().size() + 1, limits.maxSubsystems(), "subsystems");
            within("maxHostsPerSubsystem", s.hosts().size(), limits.maxHostsPerSubsystem(), "hosts of " + s.nqn());
            checkHostLinks(s);
            checkHostsKnown(s.hosts());
            catalog.putSubsystem(s);
            return subsystemJson(s);
        });
    }

    public JsonObject updateSubsystem(String nqn, JsonObject body) {
        FieldTypes.check(body, FieldTypes.SUBSYSTEM);
        return write(() -> {
            SubsystemSpec old = requireSubsystem(nqn);
            JsonObject j = merge(old.toJson(), body, "nqn", "name");
            SubsystemSpec s = SubsystemSpec.fromJson(j);
            if (s.hosts().size() > old.hosts().size()) within("maxHostsPerSubsystem", s.hosts().size(), limits.maxHostsPerSubsystem(), "hosts of " + nqn);
            checkHostLinks(s);
            checkHostsKnown(s.hosts().stream().filter(h -> !old.hosts().contains(h)).toList());
            int highest = catalog.namespaces(nqn).stream().mapToInt(NamespaceSpec::nsid).max().orElse(0);
            if (highest > s.maxNamespaces()) {
                throw ApiException.conflict("maxNamespaces", "maxNamespaces " + s.maxNamespaces() + " is below NSID " + highest + " in use");
            }
            catalog.putSubsystem(s);
            return subsystemJson(s);
        });
    }

    /** 409 while namespaces, explicit port links or host links remain, unless {@code force} (which removes them). */
    public void deleteSubsystem(String nqn, boolean force) {
        write(() -> {
            SubsystemSpec s = requireSubsystem(nqn);
            List<NamespaceSpec> nss = catalog.namespaces(nqn);
            List<PortSpec> linked = catalog.ports().stream().filter(p -> p.subsystems().contains(nqn)).toList();
            if (!force) {
                if (!nss.isEmpty()) throw ApiException.conflict("nqn", "subsystem " + nqn + " still has " + nss.size() + " namespace(s); delete them or use force=true");
                if (!linked.isEmpty()) throw ApiException.conflict("nqn", "subsystem " + nqn + " is still linked to port(s) " + linked.stream().map(PortSpec::id).toList() + "; unlink it or use force=true");
                if (!s.hosts().isEmpty()) throw ApiException.conflict("nqn", "subsystem " + nqn + " still has host link(s) " + s.hosts() + "; remove them or use force=true");
            }
            for (NamespaceSpec n : nss) catalog.removeNamespace(nqn, n.nsid());
            for (PortSpec p : linked) {
                List<String> rest = p.subsystems().stream().filter(x -> !x.equals(nqn)).toList();
                if (rest.isEmpty()) catalog.removePort(p.id()); // an empty list would export every subsystem
                else catalog.putPort(withSubsystems(p, rest));
            }
            catalog.removeSubsystem(nqn);
            return null;
        });
    }

    private SubsystemSpec requireSubsystem(String nqn) {
        return catalog.subsystem(nqn).orElseThrow(() -> ApiException.notFound("nqn", "no subsystem " + nqn));
    }

    /** A subsystem's host links: each an NQN listed once (400 {@code hosts}). */
    private static void checkHostLinks(SubsystemSpec s) {
        if (new HashSet<>(s.hosts()).size() != s.hosts().size()) throw ApiException.invalid("hosts", "hosts lists a host NQN twice: " + s.hosts());
    }

    private void checkHostsKnown(List<String> hosts) {
        for (String h : hosts) {
            SubsystemSpec.checkNqn("subsystem.hosts", h);
            if (catalog.host(h).isEmpty()) throw ApiException.notFound("hosts", "no host " + h + " (create it first)");
        }
    }

    // ---- namespaces

    public JsonArray namespaces(String nqn) {
        List<NamespaceSpec> l = nqn == null ? catalog.namespaces() : catalog.namespaces(requireSubsystem(nqn).nqn());
        return new JsonArray(l.stream().map(this::namespaceJson).toList());
    }

    public JsonObject namespace(String nqn, String nsid) { return namespaceJson(requireNamespace(nqn, nsid)); }

    /** The catalog fields, and (live catalog) {@code underReplicated} and {@code replication} ({@link ReplicationAdmin#describe}). */
    private JsonObject namespaceJson(NamespaceSpec n) {
        return replication == null ? n.toJson() : replication.describe(n);
    }

    /**
     * NSID: the lowest free one when not given; UUID: random when not given. A replicated namespace
     * ({@code replicationFactor} 2..5, backend rocksdb or null) is placed now on distinct live, non-draining
     * workers, or on the {@code replicas} given (each registered, live and not draining); with fewer such workers
     * than {@code replicationFactor}: 409 naming {@code replicationFactor} (refused, not placed partly). In a restore
     * the namespace is written as the document has it: placed on its {@code replicas}, or left unplaced for the
     * workers' {@code PlacementService}.
     */
    public JsonObject createNamespace(String nqn, JsonObject body) {
        FieldTypes.check(body, FieldTypes.NAMESPACE);
        return write(() -> {
            JsonObject j = FieldTypes.withoutNulls(body);
            if (nqn != null) {
                if (j.containsKey("subsystem") && !j.getString("subsystem").equals(nqn)) throw ApiException.invalid("subsystem", "subsystem in the body differs from the path");
                j.put("subsystem", nqn);
            }
            String sub = j.getString("subsystem");
            if (sub == null) throw ApiException.invalid("subsystem", "subsystem is required");
            SubsystemSpec owner = requireSubsystem(sub);
            within("maxNamespaces", catalog.namespaces().size() + 1, limits.maxNamespaces(), "namespaces");
            List<NamespaceSpec> existing = catalog.namespaces(sub);
            if (!j.containsKey("nsid")) {
                Set<Integer> used = new HashSet<>();
                existing.forEach(n -> used.add(n.nsid()));
                int id = 1;
                while (used.contains(id)) id++;
                j.put("nsid", id);
            }
            if (!j.containsKey("uuid")) j.put("uuid", UUID.randomUUID().toString());
            else parseUuid(j.getString("uuid"));
            checkWorker(j);
            checkReplicatedBackend(j);
            NamespaceSpec parsed = NamespaceSpec.fromJson(j, sub);
            NamespaceSpec n = replication == null ? parsed : replication.placeNew(parsed, catalog.namespaces());
            if (Integer.toUnsignedLong(n.nsid()) > owner.maxNamespaces()) {
                throw ApiException.invalid("nsid", "NSID " + Integer.toUnsignedString(n.nsid()) + " exceeds maxNamespaces " + owner.maxNamespaces() + " of " + sub);
            }
            if (existing.stream().anyMatch(e -> e.nsid() == n.nsid())) throw ApiException.conflict("nsid", "NSID " + Integer.toUnsignedString(n.nsid()) + " already exists in " + sub);
            if (catalog.namespaces().stream().anyMatch(e -> e.uuid().equals(n.uuid()))) throw ApiException.conflict("uuid", "UUID " + n.uuid() + " is already used by another namespace");
            catalog.putNamespace(n);
            return namespaceJson(n);
        });
    }

    /** Replication factor above 1 needs a backend that keeps data in the worker's RocksDB or nothing (400 {@code backend}). */
    private static void checkReplicatedBackend(JsonObject j) {
        Object rf = j.getValue("replicationFactor");
        String backend = j.getString("backend", "rocksdb");
        if (rf instanceof Number r && r.intValue() > 1 && !backend.equals("rocksdb") && !backend.equals("null")) {
            throw ApiException.invalid("backend", "backend " + backend + " cannot be replicated: replicationFactor "
                    + r.intValue() + " needs backend rocksdb or null");
        }
    }

    /**
     * Size may grow (not shrink); enabled and anaGroup may change; identity, block size, backend, worker,
     * replication factor and replicas may not (a replica moves with {@link #moveReplica}).
     */
    public JsonObject updateNamespace(String nqn, String nsid, JsonObject body) {
        FieldTypes.check(body, FieldTypes.NAMESPACE);
        return write(() -> {
            NamespaceSpec old = requireNamespace(nqn, nsid);
            Object r = body.getValue("replicas");
            if (r != null && !String.valueOf(r).equals(String.valueOf(old.toJson().getValue("replicas")))) {
                throw ApiException.invalid("replicas", "replicas cannot be changed by an update; move one with POST .../namespaces/" + nsid + "/move-replica");
            }
            JsonObject j = merge(old.toJson(), body, "subsystem", "nsid", "uuid", "blockSize", "backend", "worker", "replicationFactor");
            NamespaceSpec n = NamespaceSpec.fromJson(j, old.subsystemNqn());
            if (n.sizeBytes() < old.sizeBytes()) throw ApiException.invalid("size", "size may only grow (" + old.sizeBytes() + " → " + n.sizeBytes() + " bytes)");
            catalog.putNamespace(n);
            return namespaceJson(n);
        });
    }

    /**
     * Moves one replica of a replicated namespace: body {@code {"from": "<worker>", "to": "<worker>"}}; {@code from}
     * must be a replica (400), {@code to} registered (404), live, not draining and not a replica already (409); a
     * move still in progress (the group's published configuration differs from the catalog) is a 409. Only the
     * catalog's {@code replicas} change ({@code to} appended); the group's leader adds {@code to} to the Raft
     * configuration once it has joined, then removes {@code from}.
     */
    public JsonObject moveReplica(String nqn, String nsid, JsonObject body) {
        FieldTypes.check(body, FieldTypes.MOVE_REPLICA);
        return write(() -> {
            NamespaceSpec n = replication().move(requireNamespace(nqn, nsid), body.getString("from"), body.getString("to"));
            catalog.putNamespace(n);
            return namespaceJson(n);
        });
    }

    private ReplicationAdmin replication() {
        if (replication == null) throw new IllegalStateException("no cluster catalog");
        return replication;
    }

    // ---- workers

    /** @return the registered block workers (id, raftAddress, live, draining, replicas, bytes) */
    public JsonArray workers() { return replication().workers(catalog.namespaces()); }

    public JsonObject worker(String id) { return replication().worker(id, catalog.namespaces()); }

    /**
     * Marks a worker draining: no replica is placed on it and the workers' {@code PlacementService} moves its
     * replicas away, one namespace at a time. 409 (field {@code id}) when a namespace on it cannot move (replication
     * factor 1, or no other eligible worker), unless {@code force}.
     */
    public JsonObject decommission(String id, boolean force) {
        return write(() -> replication().decommission(id, force, catalog.namespaces()));
    }

    /** Clears a worker's draining mark: it may be placed on again (replicas already moved stay where they are). */
    public JsonObject recommission(String id) {
        return write(() -> replication().recommission(id, catalog.namespaces()));
    }

    public void deleteNamespace(String nqn, String nsid) {
        write(() -> {
            NamespaceSpec n = requireNamespace(nqn, nsid);
            catalog.removeNamespace(n.subsystemNqn(), n.nsid());
            return null;
        });
    }

    private NamespaceSpec requireNamespace(String nqn, String nsid) {
        requireSubsystem(nqn);
        long id;
        try {
            id = Long.parseLong(nsid);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("nsid", "nsid must be a number, got " + nsid);
        }
        if (id < 1 || id > 0xFFFFFFFEL) throw ApiException.invalid("nsid", "nsid must be 1..4294967294");
        return catalog.namespace(nqn, (int) id).orElseThrow(() -> ApiException.notFound("nsid", "no namespace " + nsid + " in " + nqn));
    }

    private static void parseUuid(String u) {
        try {
            UUID.fromString(u);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("uuid", "uuid is not a UUID: " + u);
        }
        if (u.length() != 36) throw ApiException.invalid("uuid", "uuid must be 36 characters (8-4-4-4-12 hex)");
    }

    private static void checkWorker(JsonObject j) {
        String w = j.getString("worker");
        if (w != null && (w.isBlank() || w.length() > 64)) throw ApiException.invalid("worker", "worker must be a block worker ID (1..64 characters)");
    }

    // ---- ports

    public JsonArray ports() { return new JsonArray(catalog.ports().stream().map(PortSpec::toJson).toList()); }

    public JsonObject port(String id) { return requirePort(id).toJson(); }

    public JsonObject createPort(JsonObject body) {
        FieldTypes.check(body, FieldTypes.PORT);
        return write(() -> {
            JsonObject j = FieldTypes.withoutNulls(body);
            List<PortSpec> all = catalog.ports();
            if (!j.containsKey("id")) j.put("id", all.stream().mapToInt(PortSpec::id).max().orElse(0) + 1);
            PortSpec p = checkPort(j);
            if (all.stream().anyMatch(e -> e.id() == p.id())) throw ApiException.conflict("id", "port " + p.id() + " already exists");
            checkPortConflicts(p, all);
            catalog.putPort(p);
            return p.toJson();
        });
    }

    public JsonObject updatePort(String id, JsonObject body) {
        FieldTypes.check(body, FieldTypes.PORT);
        return write(() -> {
            PortSpec old = requirePort(id);
            PortSpec p = checkPort(merge(old.toJson(), body, "id"));
            checkPortConflicts(p, catalog.ports().stream().filter(e -> e.id() != old.id()).toList());
            catalog.putPort(p);
            return p.toJson();
        });
    }

    /** 409 while subsystems are linked explicitly, unless {@code force}. */
    public void deletePort(String id, boolean force) {
        write(() -> {
            PortSpec p = requirePort(id);
            if (!force && !p.subsystems().isEmpty()) throw ApiException.conflict("id", "port " + p.id() + " is still linked to " + p.subsystems() + "; unlink them or use force=true");
            catalog.removePort(p.id());
            catalog.referrals().stream().filter(r -> r.portId() == p.id()).forEach(r -> catalog.removeReferral(r.id()));
            return null;
        });
    }

    private PortSpec checkPort(JsonObject j) {
        String trtype = j.getString("trtype", "tcp");
        if (trtype.equalsIgnoreCase("rdma") || trtype.equalsIgnoreCase("fc")) {
            throw ApiException.invalid("trtype", "trtype " + trtype + " is not supported: nvmegate serves NVMe/TCP only (trtype tcp)");
        }
        PortSpec p = PortSpec.fromJson(j);
        if (p.trsvcid() < 1) throw ApiException.invalid("trsvcid", "trsvcid must be 1..65535");
        checkAddress("traddr", p.adrfam(), p.traddr());
        if (p.advertisedAddress() != null && (p.advertisedAddress().isBlank() || p.advertisedAddress().length() > 256)) {
            throw ApiException.invalid("advertisedAddress", "advertisedAddress must be 1..256 characters");
        }
        if (p.gateway() != null && p.gateway().isBlank()) throw ApiException.invalid("gateway", "gateway must be a gateway ID or null");
        if (new HashSet<>(p.subsystems()).size() != p.subsystems().size()) throw ApiException.invalid("subsystems", "subsystems lists an NQN twice");
        for (String s : p.subsystems()) {
            SubsystemSpec.checkNqn("port.subsystems", s);
            if (catalog.subsystem(s).isEmpty()) throw ApiException.notFound("subsystems", "no subsystem " + s);
        }
        return p;
    }

    /** Two ports conflict when a gateway could serve both on the same TCP port and address (wildcards overlap all). */
    private static void checkPortConflicts(PortSpec p, List<PortSpec> others) {
        for (PortSpec o : others) {
            boolean sameGateway = p.gateway() == null || o.gateway() == null || p.gateway().equals(o.gateway());
            boolean sameAddress = o.adrfam().equals(p.adrfam()) && (o.traddr().equals(p.traddr()) || o.wildcard() || p.wildcard());
            if (sameGateway && sameAddress && o.trsvcid() == p.trsvcid()) {
                throw ApiException.conflict("trsvcid", "port " + o.id() + " already listens on " + o.traddr() + ":" + o.trsvcid());
            }
        }
    }

    private static void checkAddress(String field, String adrfam, String addr) {
        if (addr == null || addr.isBlank()) throw ApiException.invalid(field, field + " is required");
        if (adrfam.equals("ipv4")) {
            if (!IPV4.matcher(addr).matches()) throw ApiException.invalid(field, field + " must be an IPv4 address, got " + addr);
            return;
        }
        boolean ok = addr.contains(":") && IPV6_CHARS.matcher(addr).matches();
        if (ok) {
            try {
                InetAddress.getByName(addr); // a literal: parsed, never resolved
            } catch (UnknownHostException e) {
                ok = false;
            }
        }
        if (!ok) throw ApiException.invalid(field, field + " must be an IPv6 address, got " + addr);
    }

    private PortSpec requirePort(String id) {
        int n = parseId("id", id);
        return catalog.port(n).orElseThrow(() -> ApiException.notFound("id", "no port " + id));
    }

    private static int parseId(String field, String id) {
        try {
            int n = Integer.parseInt(id);
            if (n >= 1 && n <= 0xFFFF) return n;
        } catch (NumberFormatException ignored) {
            // below
        }
        throw ApiException.invalid(field, field + " must be 1..65535, got " + id);
    }

    private static PortSpec withSubsystems(PortSpec p, List<String> subs) {
        return p.withSubsystems(subs);
    }

    // ---- port <-> subsystem

    public JsonArray portSubsystems(String id) { return new JsonArray(requirePort(id).subsystems()); }

    /** Links a subsystem to a port. A port with no links exports every subsystem; its first link restricts it. */
    public JsonObject linkPortSubsystem(String id, JsonObject body) {
        FieldTypes.check(body, FieldTypes.LINK_SUBSYSTEM);
        return write(() -> {
            PortSpec p = requirePort(id);
            String nqn = body.getString("nqn");
            SubsystemSpec.checkNqn("link.nqn", nqn);
            requireSubsystem(nqn);
            if (p.subsystems().contains(nqn)) throw ApiException.conflict("nqn", nqn + " is already linked to port " + p.id());
            List<String> subs = new ArrayList<>(p.subsystems());
            subs.add(nqn);
            PortSpec n = withSubsystems(p, subs);
            catalog.putPort(n);
            return n.toJson();
        });
    }

    /**
     * Unlinks a subsystem. Removing the last link would make the port export every subsystem (empty list), so it
     * is refused (409) unless {@code force}, which deletes the port instead.
     */
    public void unlinkPortSubsystem(String id, String nqn, boolean force) {
        write(() -> {
            PortSpec p = requirePort(id);
            if (!p.subsystems().contains(nqn)) throw ApiException.notFound("nqn", nqn + " is not linked to port " + p.id());
            List<String> rest = p.subsystems().stream().filter(s -> !s.equals(nqn)).toList();
            if (rest.isEmpty()) {
                if (!force) throw ApiException.conflict("nqn", nqn + " is the last subsystem of port " + p.id() + " (a port without links exports every subsystem); use force=true to delete the port");
                catalog.removePort(p.id());
            } else {
                catalog.putPort(withSubsystems(p, rest));
            }
            return null;
        });
    }

    // ---- hosts

    /**
     * @param secrets true: each host's keys as stored (an explicit request, {@code ?secrets=true}); false: every
     *                set key reads {@value HostSpec#SECRET_SET} ({@link HostSpec#redact})
     */
    public JsonArray hosts(boolean secrets) { return new JsonArray(catalog.hosts().stream().map(h -> hostJson(h, secrets)).toList()); }

    /** @see #hosts(boolean) */
    public JsonObject host(String nqn, boolean secrets) { return hostJson(requireHost(nqn), secrets); }

    public JsonArray hosts() { return hosts(false); }

    public JsonObject host(String nqn) { return host(nqn, false); }

    private JsonObject hostJson(HostSpec h, boolean secrets) {
        return (secrets ? h.toJson() : h.toRedactedJson()).put("subsystems", new JsonArray(catalog.subsystems().stream()
                .filter(s -> s.hosts().contains(h.nqn())).map(SubsystemSpec::nqn).toList()));
    }

    /** @return the created host, its keys redacted (the caller sent them; they are never echoed) */
    public JsonObject createHost(JsonObject body) {
        FieldTypes.check(body, FieldTypes.HOST);
        return write(() -> {
            HostSpec h = checkedKeys(HostSpec.fromJson(FieldTypes.withoutNulls(body)));
            if (catalog.host(h.nqn()).isPresent()) throw ApiException.conflict("nqn", "host " + h.nqn() + " already exists");
            within("maxHosts", catalog.hosts().size() + 1, limits.maxHosts(), "hosts");
            catalog.putHost(h);
            return hostJson(h, false);
        });
    }

    /**
     * Changes a host; a new key takes effect for the connections made after it (key rotation). A secret field
     * sent back as {@value HostSpec#SECRET_SET} (a client that read the host and returns it whole) keeps the
     * stored key. @return the host, its keys redacted
     */
    public JsonObject updateHost(String nqn, JsonObject body) {
        FieldTypes.check(body, FieldTypes.HOST);
        return write(() -> {
            JsonObject patch = body.copy();
            for (String f : HostSpec.SECRET_FIELDS) {
                if (HostSpec.isRedacted(patch.getValue(f))) patch.remove(f);
            }
            HostSpec h = checkedKeys(HostSpec.fromJson(merge(requireHost(nqn).toJson(), patch, "nqn")));
            catalog.putHost(h);
            return hostJson(h, false);
        });
    }

    private static HostSpec checkedKeys(HostSpec h) {
        DhchapKeys.check("dhchapKey", h.dhchapKey());
        DhchapKeys.check("dhchapCtrlKey", h.dhchapCtrlKey());
        return h;
    }

    /** 409 while a subsystem lists the host, unless {@code force} (which removes those links). */
    public void deleteHost(String nqn, boolean force) {
        write(() -> {
            requireHost(nqn);
            List<SubsystemSpec> linked = catalog.subsystems().stream().filter(s -> s.hosts().contains(nqn)).toList();
            if (!force && !linked.isEmpty()) throw ApiException.conflict("nqn", "host " + nqn + " is still linked to " + linked.stream().map(SubsystemSpec::nqn).toList() + "; unlink it or use force=true");
            for (SubsystemSpec s : linked) catalog.putSubsystem(withHosts(s, s.hosts().stream().filter(h -> !h.equals(nqn)).toList()));
            catalog.removeHost(nqn);
            return null;
        });
    }

    private HostSpec requireHost(String nqn) {
        return catalog.host(nqn).orElseThrow(() -> ApiException.notFound("nqn", "no host " + nqn));
    }

    private static SubsystemSpec withHosts(SubsystemSpec s, List<String> hosts) {
        return s.withHosts(hosts);
    }

    // ---- host <-> subsystem

    public JsonArray subsystemHosts(String nqn) { return new JsonArray(requireSubsystem(nqn).hosts()); }

    /** Allows a host to connect to a subsystem (applies when {@code allowAnyHost} is false). */
    public JsonObject linkHost(String nqn, JsonObject body) {
        FieldTypes.check(body, FieldTypes.LINK_HOST);
        return write(() -> {
            SubsystemSpec s = requireSubsystem(nqn);
            String host = body.getString("host");
            SubsystemSpec.checkNqn("link.host", host);
            if (catalog.host(host).isEmpty()) throw ApiException.notFound("host", "no host " + host + " (create it first)");
            if (s.hosts().contains(host)) throw ApiException.conflict("host", host + " is already linked to " + nqn);
            within("maxHostsPerSubsystem", s.hosts().size() + 1, limits.maxHostsPerSubsystem(), "hosts of " + nqn);
            List<String> hosts = new ArrayList<>(s.hosts());
            hosts.add(host);
            SubsystemSpec n = withHosts(s, hosts);
            catalog.putSubsystem(n);
            return subsystemJson(n);
        });
    }

    public void unlinkHost(String nqn, String host) {
        write(() -> {
            SubsystemSpec s = requireSubsystem(nqn);
            if (!s.hosts().contains(host)) throw ApiException.notFound("host", host + " is not linked to " + nqn);
            catalog.putSubsystem(withHosts(s, s.hosts().stream().filter(h -> !h.equals(host)).toList()));
            return null;
        });
    }

    // ---- referrals

    public JsonArray referrals() { return new JsonArray(catalog.referrals().stream().map(ReferralSpec::toJson).toList()); }

    public JsonObject referral(String id) { return requireReferral(id).toJson(); }

    public JsonObject createReferral(JsonObject body) {
        FieldTypes.check(body, FieldTypes.REFERRAL);
        return write(() -> {
            JsonObject j = FieldTypes.withoutNulls(body);
            List<ReferralSpec> all = catalog.referrals();
            if (!j.containsKey("id")) j.put("id", all.stream().mapToInt(ReferralSpec::id).max().orElse(0) + 1);
            ReferralSpec r = checkReferral(j);
            if (all.stream().anyMatch(e -> e.id() == r.id())) throw ApiException.conflict("id", "referral " + r.id() + " already exists");
            checkReferralDuplicate(r, all);
            catalog.putReferral(r);
            return r.toJson();
        });
    }

    public JsonObject updateReferral(String id, JsonObject body) {
        FieldTypes.check(body, FieldTypes.REFERRAL);
        return write(() -> {
            ReferralSpec old = requireReferral(id);
            ReferralSpec r = checkReferral(merge(old.toJson(), body, "id"));
            checkReferralDuplicate(r, catalog.referrals().stream().filter(e -> e.id() != old.id()).toList());
            catalog.putReferral(r);
            return r.toJson();
        });
    }

    public void deleteReferral(String id) {
        write(() -> {
            catalog.removeReferral(requireReferral(id).id());
            return null;
        });
    }

    private ReferralSpec checkReferral(JsonObject j) {
        ReferralSpec r = ReferralSpec.fromJson(j);
        checkAddress("traddr", r.adrfam(), r.traddr());
        if (r.portId() != 0 && catalog.port(r.portId()).isEmpty()) throw ApiException.notFound("portId", "no port " + r.portId());
        return r;
    }

    private static void checkReferralDuplicate(ReferralSpec r, List<ReferralSpec> others) {
        for (ReferralSpec o : others) {
            if (o.traddr().equals(r.traddr()) && o.trsvcid() == r.trsvcid() && o.portId() == r.portId()) {
                throw ApiException.conflict("traddr", "referral " + o.id() + " already points at " + r.traddr() + ":" + r.trsvcid());
            }
        }
    }

    private ReferralSpec requireReferral(String id) {
        return catalog.referral(parseId("id", id)).orElseThrow(() -> ApiException.notFound("id", "no referral " + id));
    }

    // ---- keys, choices

    /** Body: {@code hash} (none/sha256/sha384/sha512, default none), {@code length} (32/48/64). */
    public JsonObject generateKey(JsonObject body) {
        FieldTypes.check(body, FieldTypes.KEY);
        int hash = DhchapKeys.hashId(body.getString("hash"));
        return new JsonObject().put("key", DhchapKeys.generate(hash, body.getInteger("length", 0)));
    }

    public static JsonObject choices() {
        return new JsonObject()
                .put("trtype", new JsonArray().add("tcp"))
                .put("adrfam", new JsonArray().add("ipv4").add("ipv6"))
                .put("dhGroup", new JsonArray(HostSpec.DH_GROUPS))
                .put("hash", new JsonArray(HostSpec.HASHES))
                .put("backend", new JsonArray().add("rocksdb").add("memory").add("null"))
                .put("replicationFactor", new JsonArray().add(1).add(2).add(3).add(4).add(5))
                .put("blockSize", new JsonArray().add(512).add(4096));
    }

    // ---- save / restore

    /** {@link #save(boolean) save(true)}: the document {@link #restore} needs, keys included. */
    public JsonObject save() { return save(true); }

    /**
     * The whole configuration as one document (the --config schema plus global, hosts and referrals).
     *
     * @param secrets true: hosts with their keys (what {@link #restore} needs); false: keys redacted
     *                ({@value HostSpec#SECRET_SET}), a document to look at that restore refuses for keyed hosts
     */
    public JsonObject save(boolean secrets) {
        JsonArray subs = new JsonArray();
        for (SubsystemSpec s : catalog.subsystems()) {
            subs.add(s.toJson().put("namespaces", new JsonArray(catalog.namespaces(s.nqn()).stream()
                    .map(n -> { JsonObject j = n.toJson(); j.remove("subsystem"); return j; }).toList())));
        }
        return new JsonObject().put("global", catalog.global().toJson()).put("subsystems", subs)
                .put("ports", ports()).put("hosts", new JsonArray(catalog.hosts().stream().map(h -> secrets ? h.toJson() : h.toRedactedJson()).toList()))
                .put("referrals", referrals());
    }

    /**
     * Replaces the whole catalog with {@code doc} (as {@link #save()} writes it). The document is first built into
     * an empty {@link DraftCatalog} through this class's own create operations — global settings, then hosts,
     * subsystems with their namespaces, ports and referrals — so it is held to exactly the checks of the create
     * endpoints (one validation path); only if all of it passes does the cluster catalog get cleared and written.
     *
     * @throws ApiException the first refusal, as the matching create endpoint answers it (status and field), its
     *                      message prefixed with where in the document it is ({@code ports[2]: ...})
     */
    public JsonObject restore(JsonObject doc) {
        for (String f : doc.fieldNames()) {
            if (!RESTORE_FIELDS.contains(f)) throw ApiException.invalid(f, "unknown field '" + f + "' (accepted: " + RESTORE_FIELDS + ")");
        }
        DraftCatalog draft = new DraftCatalog();
        CatalogService staged = new CatalogService(draft, null, null, limits);
        try {
            JsonObject global = object(doc, "global");
            if (global != null) at("global", () -> staged.updateGlobal(global));
            createEach(doc, "hosts", staged::createHost);
            List<JsonObject> subs = objects(doc, "subsystems");
            for (int i = 0; i < subs.size(); i++) {
                String where = "subsystems[" + i + "]";
                JsonObject copy = subs.get(i).copy();
                Object nsa = copy.remove("namespaces");
                if (nsa != null && !(nsa instanceof JsonArray)) throw ApiException.invalid("namespaces", where + ": namespaces must be an array");
                String nqn = at(where, () -> staged.createSubsystem(copy)).getString("nqn");
                int n = 0;
                for (Object o : nsa == null ? new JsonArray() : (JsonArray) nsa) {
                    String nsWhere = where + ".namespaces[" + n++ + "]";
                    if (!(o instanceof JsonObject nj)) throw ApiException.invalid("namespaces", nsWhere + ": namespaces must be objects");
                    at(nsWhere, () -> staged.createNamespace(nqn, nj));
                }
            }
            createEach(doc, "ports", staged::createPort);
            createEach(doc, "referrals", staged::createReferral);
        } catch (IllegalArgumentException e) {
            throw ApiException.from(e);
        } catch (ClassCastException e) {
            throw ApiException.invalid(null, "malformed document: " + e.getMessage());
        }
        return write(() -> {
            catalog.clear();
            draft.copyTo(catalog);
            return new JsonObject().put("subsystems", draft.subsystems().size()).put("namespaces", draft.namespaces().size())
                    .put("ports", draft.ports().size()).put("hosts", draft.hosts().size()).put("referrals", draft.referrals().size());
        });
    }

    /** Runs one create operation of a restore; a refusal keeps its status and field and says where it is. */
    /** Runs {@code create} on each object of array {@code field}, naming the failing one ({@code field[i]: ...}). */
    private static void createEach(JsonObject doc, String field, java.util.function.Function<JsonObject, JsonObject> create) {
        List<JsonObject> items = objects(doc, field);
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.get(i);
            at(field + "[" + i + "]", () -> create.apply(item));
        }
    }

    private static JsonObject at(String where, Supplier<JsonObject> create) {
        try {
            return create.get();
        } catch (ApiException e) {
            throw new ApiException(e.status(), e.field(), where + ": " + e.getMessage());
        }
    }

    private static JsonObject object(JsonObject doc, String field) {
        Object v = doc.getValue(field);
        if (v == null) return null;
        if (!(v instanceof JsonObject o)) throw ApiException.invalid(field, field + " must be an object");
        return o;
    }

    private static List<JsonObject> objects(JsonObject doc, String field) {
        Object v = doc.getValue(field);
        if (v == null) return List.of();
        if (!(v instanceof JsonArray a)) throw ApiException.invalid(field, field + " must be an array");
        List<JsonObject> out = new ArrayList<>();
        for (Object o : a) {
            if (!(o instanceof JsonObject j)) throw ApiException.invalid(field, field + " must hold objects");
            out.add(j);
        }
        return out;
    }

    // ---- helpers

    /**
     * @return {@code current} with the non-null fields of {@code patch}; a fixed field present in {@code patch}
     * with a different value is refused (400 naming it)
     */
    private static JsonObject merge(JsonObject current, JsonObject patch, String... fixed) {
        JsonObject j = current.copy();
        for (String f : fixed) {
            if (patch.containsKey(f) && patch.getValue(f) != null && !Objects.equals(String.valueOf(patch.getValue(f)), String.valueOf(current.getValue(f)))) {
                throw ApiException.invalid(f, f + " cannot be changed");
            }
        }
        patch.forEach(e -> {
            if (e.getValue() != null) j.put(e.getKey(), e.getValue());
        });
        j.remove("name");
        return j;
    }
}
