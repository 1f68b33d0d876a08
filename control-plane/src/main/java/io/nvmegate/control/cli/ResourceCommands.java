package io.nvmegate.control.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import static io.vertx.core.json.JsonObject.of;
import static io.nvmegate.control.cli.ApiClient.seg;

/** The {@code ctl} resource groups (one nested class per resource, one method per action). */
final class ResourceCommands {
    private ResourceCommands() {}

    @Command(name = "global", description = "Cluster-wide settings (enabled, base NQN, ANA, cross-port referrals, required authentication).")
    static final class Global {
        @Command(name = "get", description = "Show the global settings.")
        int get(@Mixin Connection c) { return c.run(a -> a.get("/global")); }

        @Command(name = "set", description = "Change global settings.")
        int set(@Mixin Connection c,
                @Option(names = "--enabled", arity = "1", description = "true: serve hosts; false: stop serving") Boolean enabled,
                @Option(names = "--base-nqn", description = "prefix of subsystem NQNs created by --name") String baseNqn,
                @Option(names = "--ana", arity = "1", description = "report ANA") Boolean ana,
                @Option(names = "--cross-port-referrals", arity = "1") Boolean xref,
                @Option(names = "--require-auth", arity = "1", description = "true: every host of every subsystem must "
                        + "authenticate with DH-HMAC-CHAP (hosts without a key are refused)") Boolean requireAuth) {
            return c.run(a -> a.put("/global", Body.of("enabled", enabled, "baseNqn", baseNqn, "ana", ana, "crossPortReferrals", xref,
                    "requireAuth", requireAuth)));
        }
    }

    @Command(name = "subsys", description = "NVM subsystems.")
    static final class Subsys {
        @Command(name = "list", description = "List subsystems.")
        int list(@Mixin Connection c) { return c.run(a -> a.get("/subsystems")); }

        @Command(name = "get", description = "Show one subsystem.")
        int get(@Mixin Connection c, @Parameters(paramLabel = "NQN") String nqn) { return c.run(a -> a.get("/subsystems/" + seg(nqn))); }

        @Command(name = "create", description = "Create a subsystem (--nqn, or --name under the global base NQN).")
        int create(@Mixin Connection c, @Option(names = "--nqn") String nqn, @Option(names = "--name") String name,
                   @Option(names = "--serial") String serial, @Option(names = "--model") String model,
                   @Option(names = "--firmware") String firmware,
                   @Option(names = "--allow-any-host", arity = "1", description = "true (default) or false") Boolean any,
                   @Option(names = "--ieee-oui", description = "6 hex digits") String oui,
                   @Option(names = "--max-namespaces", description = "1..1024 (default 1024)") Integer maxNs,
                   @Option(names = "--require-auth", arity = "1", description = "true: every host must authenticate "
                           + "with DH-HMAC-CHAP (default false; the global setting also applies)") Boolean requireAuth) {
            return c.run(a -> a.post("/subsystems", Body.of("nqn", nqn, "name", name, "serial", serial, "model", model,
                    "firmware", firmware, "allowAnyHost", any, "ieeeOui", oui, "maxNamespaces", maxNs, "requireAuth", requireAuth)));
        }

        @Command(name = "update", description = "Change a subsystem.")
        int update(@Mixin Connection c, @Parameters(paramLabel = "NQN") String nqn,
                   @Option(names = "--serial") String serial, @Option(names = "--model") String model,
                   @Option(names = "--firmware") String firmware,
                   @Option(names = "--allow-any-host", arity = "1") Boolean any,
                   @Option(names = "--ieee-oui") String oui, @Option(names = "--max-namespaces") Integer maxNs,
                   @Option(names = "--require-auth", arity = "1") Boolean requireAuth) {
            return c.run(a -> a.patch("/subsystems/" + seg(nqn), Body.of("serial", serial, "model", model, "firmware", firmware,
                    "allowAnyHost", any, "ieeeOui", oui, "maxNamespaces", maxNs, "requireAuth", requireAuth)));
        }

        @Command(name = "delete", description = "Delete a subsystem.")
        int delete(@Mixin Connection c, @Parameters(paramLabel = "NQN") String nqn,
                   @Option(names = "--force", description = "also delete its namespaces and links") boolean force) {
            return c.run(a -> a.delete("/subsystems/" + seg(nqn) + (force ? "?force=true" : "")));
        }
    }

    @Command(name = "ns", description = "Namespaces.")
    static final class Ns {
        @Command(name = "list", description = "List namespaces (of one subsystem with --nqn).")
        int list(@Mixin Connection c, @Option(names = "--nqn") String nqn) {
            return c.run(a -> a.get(nqn == null ? "/namespaces" : "/subsystems/" + seg(nqn) + "/namespaces"));
        }

        @Command(name = "get", description = "Show one namespace.")
        int get(@Mixin Connection c, @Option(names = "--nqn", required = true) String nqn, @Option(names = "--nsid", required = true) long nsid) {
            return c.run(a -> a.get("/subsystems/" + seg(nqn) + "/namespaces/" + nsid));
        }

        @Command(name = "create", aliases = "add", description = "Create a namespace (NSID: the lowest free one unless --nsid). "
                + "With --replication-factor above 1 its replicas are placed on distinct live workers (or on --replicas); "
                + "refused (409) when fewer workers are live.")
        int create(@Mixin Connection c, @Option(names = "--nqn", required = true) String nqn,
                   @Option(names = "--nsid") Long nsid, @Option(names = "--size", required = true, description = "bytes or 1G, 512M ...") String size,
                   @Option(names = "--block-size", description = "512 or 4096") Integer bs,
                   @Option(names = "--backend", description = "rocksdb, memory or null (replicated: rocksdb or null)") String backend,
                   @Option(names = "--uuid") String uuid, @Option(names = "--worker", description = "replication factor 1: the block worker") String worker,
                   @Option(names = "--enabled", arity = "1") Boolean enabled, @Option(names = "--ana-group") Integer ana,
                   @Option(names = "--replication-factor", description = "1..5 (default 1)") Integer rf,
                   @Option(names = "--replicas", split = ",", paramLabel = "WORKER", description = "worker IDs, comma-separated (default: placed by the catalog)") java.util.List<String> replicas) {
            return c.run(a -> a.post("/subsystems/" + seg(nqn) + "/namespaces", Body.of("nsid", nsid, "size", size,
                    "blockSize", bs, "backend", backend, "uuid", uuid, "worker", worker, "enabled", enabled, "anaGroup", ana,
                    "replicationFactor", rf, "replicas", replicas)));
        }

        @Command(name = "show", description = "Show a namespace with its replication: replicas, leader, term, commit index, "
                + "each follower's lag and state.")
        int show(@Mixin Connection c, @Parameters(index = "0", paramLabel = "NQN") String nqn, @Parameters(index = "1", paramLabel = "NSID") long nsid) {
            if (c.json) return c.run(a -> a.get("/subsystems/" + seg(nqn) + "/namespaces/" + nsid));
            return c.run(a -> NamespaceView.render((io.vertx.core.json.JsonObject) a.get("/subsystems/" + seg(nqn) + "/namespaces/" + nsid)));
        }

        @Command(name = "move-replica", description = "Move one replica of a replicated namespace to another worker "
                + "(with I/O running: the group's leader adds the new worker, which catches up, then removes the old one).")
        int moveReplica(@Mixin Connection c, @Parameters(index = "0", paramLabel = "NQN") String nqn, @Parameters(index = "1", paramLabel = "NSID") long nsid,
                        @Option(names = "--from", required = true, description = "the worker giving up its replica") String from,
                        @Option(names = "--to", required = true, description = "a live worker that is not a replica") String to) {
            return c.run(a -> a.post("/subsystems/" + seg(nqn) + "/namespaces/" + nsid + "/move-replica", Body.of("from", from, "to", to)));
        }

        @Command(name = "update", description = "Resize (grow), enable/disable or change the ANA group of a namespace.")
        int update(@Mixin Connection c, @Option(names = "--nqn", required = true) String nqn, @Option(names = "--nsid", required = true) long nsid,
                   @Option(names = "--size") String size, @Option(names = "--enabled", arity = "1") Boolean enabled,
                   @Option(names = "--ana-group") Integer ana) {
            return c.run(a -> a.patch("/subsystems/" + seg(nqn) + "/namespaces/" + nsid, Body.of("size", size, "enabled", enabled, "anaGroup", ana)));
        }

        @Command(name = "delete", description = "Delete a namespace.")
        int delete(@Mixin Connection c, @Option(names = "--nqn", required = true) String nqn, @Option(names = "--nsid", required = true) long nsid) {
            return c.run(a -> a.delete("/subsystems/" + seg(nqn) + "/namespaces/" + nsid));
        }
    }

    @Command(name = "worker", description = "Block workers (registered by the workers themselves).")
    static final class Worker {
        @Command(name = "list", description = "List block workers: Raft address, live, draining, replica count.")
        int list(@Mixin Connection c) { return c.run(a -> a.get("/workers")); }

        @Command(name = "get", description = "Show one block worker.")
        int get(@Mixin Connection c, @Parameters(paramLabel = "ID") String id) { return c.run(a -> a.get("/workers/" + seg(id))); }

        @Command(name = "decommission", description = "Mark a worker draining: nothing new is placed on it and its replicas "
                + "move to other workers, one namespace at a time (watch with ctl worker list).")
        int decommission(@Mixin Connection c, @Parameters(paramLabel = "ID") String id,
                         @Option(names = "--force", description = "even if a namespace on it cannot move (replication factor 1, no other worker)") boolean force) {
            return c.run(a -> a.post("/workers/" + seg(id) + "/decommission" + (force ? "?force=true" : ""), null));
        }

        @Command(name = "recommission", description = "Clear a worker's draining mark.")
        int recommission(@Mixin Connection c, @Parameters(paramLabel = "ID") String id) {
            return c.run(a -> a.post("/workers/" + seg(id) + "/recommission", null));
        }
    }

    @Command(name = "port", description = "Transport ports (NVMe/TCP listeners).")
    static final class Port {
        @Command(name = "list", description = "List ports.")
        int list(@Mixin Connection c) { return c.run(a -> a.get("/ports")); }

        @Command(name = "get", description = "Show one port.")
        int get(@Mixin Connection c, @Parameters(paramLabel = "ID") int id) { return c.run(a -> a.get("/ports/" + id)); }

        @Command(name = "create", description = "Create a port.")
        int create(@Mixin Connection c, @Option(names = "--id") Integer id, @Option(names = "--trtype", description = "tcp") String trtype,
                   @Option(names = "--adrfam", description = "ipv4 or ipv6") String adrfam, @Option(names = "--traddr") String traddr,
                   @Option(names = "--trsvcid") Integer trsvcid, @Option(names = "--advertise") String advertise,
                   @Option(names = "--gateway") String gateway,
                   @Option(names = "--in-capsule-data-size", description = "bytes, multiple of 16, 1024..131072 (default 8192)") Integer icd,
                   @Option(names = "--max-queue-size", description = "16..1024 (default 128)") Integer mqs,
                   @Option(names = "--treq", description = "secure channel: not-specified (default, plaintext), not-required (TLS 1.3 PSK or plaintext), required (TLS 1.3 only)") String treq) {
            return c.run(a -> a.post("/ports", Body.of("id", id, "trtype", trtype, "adrfam", adrfam, "traddr", traddr,
                    "trsvcid", trsvcid, "advertisedAddress", advertise, "gateway", gateway,
                    "inCapsuleDataSize", icd, "maxQueueSize", mqs, "treq", treq)));
        }

        @Command(name = "update", description = "Change a port.")
        int update(@Mixin Connection c, @Parameters(paramLabel = "ID") int id, @Option(names = "--adrfam") String adrfam,
                   @Option(names = "--traddr") String traddr, @Option(names = "--trsvcid") Integer trsvcid,
                   @Option(names = "--advertise") String advertise, @Option(names = "--gateway") String gateway,
                   @Option(names = "--in-capsule-data-size") Integer icd, @Option(names = "--max-queue-size") Integer mqs,
                   @Option(names = "--treq", description = "not-specified, not-required, required") String treq) {
            return c.run(a -> a.patch("/ports/" + id, Body.of("adrfam", adrfam, "traddr", traddr, "trsvcid", trsvcid,
                    "advertisedAddress", advertise, "gateway", gateway, "inCapsuleDataSize", icd, "maxQueueSize", mqs, "treq", treq)));
        }

        @Command(name = "delete", description = "Delete a port.")
        int delete(@Mixin Connection c, @Parameters(paramLabel = "ID") int id, @Option(names = "--force") boolean force) {
            return c.run(a -> a.delete("/ports/" + id + (force ? "?force=true" : "")));
        }
    }

    @Command(name = "port-subsys", description = "Subsystems exported on a port (a port without links exports all).")
    static final class PortSubsys {
        @Command(name = "list", description = "List a port's subsystems.")
        int list(@Mixin Connection c, @Option(names = "--port", required = true) int port) { return c.run(a -> a.get("/ports/" + port + "/subsystems")); }

        @Command(name = "add", description = "Export a subsystem on a port.")
        int add(@Mixin Connection c, @Option(names = "--port", required = true) int port, @Option(names = "--nqn", required = true) String nqn) {
            return c.run(a -> a.post("/ports/" + port + "/subsystems", of("nqn", nqn)));
        }

        @Command(name = "remove", description = "Stop exporting a subsystem on a port.")
        int remove(@Mixin Connection c, @Option(names = "--port", required = true) int port, @Option(names = "--nqn", required = true) String nqn,
                   @Option(names = "--force", description = "removing the last link deletes the port") boolean force) {
            return c.run(a -> a.delete("/ports/" + port + "/subsystems/" + seg(nqn) + (force ? "?force=true" : "")));
        }
    }

    @Command(name = "host", description = "Hosts (host NQN, DH-HMAC-CHAP settings, TLS PSK). Keys are shown as <set> unless --secrets.")
    static final class Host {
        @Command(name = "list", description = "List hosts.")
        int list(@Mixin Connection c, @Option(names = "--secrets", description = "show the keys (else <set>)") boolean secrets) {
            return c.run(a -> a.get("/hosts" + (secrets ? "?secrets=true" : "")));
        }

        @Command(name = "get", description = "Show one host.")
        int get(@Mixin Connection c, @Parameters(paramLabel = "NQN") String nqn,
                @Option(names = "--secrets", description = "show the keys (else <set>)") boolean secrets) {
            return c.run(a -> a.get("/hosts/" + seg(nqn) + (secrets ? "?secrets=true" : "")));
        }

        @Command(name = "create", description = "Create a host. --generate-key / --generate-ctrl-key make the secrets "
                + "(DHHC-1, transformed with --hash, as nvme gen-dhchap-key) and print them this once.")
        int create(@Mixin Connection c, @Option(names = "--nqn", required = true) String nqn, @Mixin Keys keys,
                   @Option(names = "--hash", description = "sha256 (default), sha384, sha512") String hash,
                   @Option(names = "--dh-group", description = "null, ffdhe2048 .. ffdhe8192") String group,
                   @Option(names = "--tls-psk", description = "TLS PSK, NVMeTLSkey-1:<hh>:<base64>: (nvme gen-tls-key)") String tlsPsk) {
            return keys.send(c, hash, (a, key, ctrlKey) -> a.post("/hosts",
                    Body.of("nqn", nqn, "dhchapKey", key, "dhchapCtrlKey", ctrlKey, "hash", hash, "dhGroup", group, "tlsPsk", tlsPsk)));
        }

        @Command(name = "update", description = "Change a host; a new key (--dhchap-key, --generate-key) is used by "
                + "connections made from now on (key rotation).")
        int update(@Mixin Connection c, @Parameters(paramLabel = "NQN") String nqn, @Mixin Keys keys,
                   @Option(names = "--hash") String hash, @Option(names = "--dh-group") String group,
                   @Option(names = "--tls-psk", description = "TLS PSK, NVMeTLSkey-1:<hh>:<base64>:") String tlsPsk) {
            return keys.send(c, hash, (a, key, ctrlKey) -> a.patch("/hosts/" + seg(nqn),
                    Body.of("dhchapKey", key, "dhchapCtrlKey", ctrlKey, "hash", hash, "dhGroup", group, "tlsPsk", tlsPsk)));
        }

        @Command(name = "delete", description = "Delete a host.")
        int delete(@Mixin Connection c, @Parameters(paramLabel = "NQN") String nqn, @Option(names = "--force") boolean force) {
            return c.run(a -> a.delete("/hosts/" + seg(nqn) + (force ? "?force=true" : "")));
        }
    }

    @Command(name = "host-subsys", description = "Hosts allowed to connect to a subsystem (when allowAnyHost is false).")
    static final class HostSubsys {
        @Command(name = "list", description = "List a subsystem's hosts.")
        int list(@Mixin Connection c, @Option(names = "--nqn", required = true) String nqn) { return c.run(a -> a.get("/subsystems/" + seg(nqn) + "/hosts")); }

        @Command(name = "add", description = "Allow a host.")
        int add(@Mixin Connection c, @Option(names = "--nqn", required = true) String nqn, @Option(names = "--host", required = true) String host) {
            return c.run(a -> a.post("/subsystems/" + seg(nqn) + "/hosts", of("host", host)));
        }

        @Command(name = "remove", description = "Remove a host's access.")
        int remove(@Mixin Connection c, @Option(names = "--nqn", required = true) String nqn, @Option(names = "--host", required = true) String host) {
            return c.run(a -> a.delete("/subsystems/" + seg(nqn) + "/hosts/" + seg(host)));
        }
    }

    @Command(name = "referral", description = "Referrals to other discovery controllers.")
    static final class Referral {
        @Command(name = "list", description = "List referrals.")
        int list(@Mixin Connection c) { return c.run(a -> a.get("/referrals")); }

        @Command(name = "get", description = "Show one referral.")
        int get(@Mixin Connection c, @Parameters(paramLabel = "ID") int id) { return c.run(a -> a.get("/referrals/" + id)); }

        @Command(name = "create", description = "Create a referral.")
        int create(@Mixin Connection c, @Option(names = "--id") Integer id, @Option(names = "--traddr", required = true) String traddr,
                   @Option(names = "--trsvcid") Integer trsvcid, @Option(names = "--adrfam") String adrfam,
                   @Option(names = "--port-id", description = "0: every port") Integer portId) {
            return c.run(a -> a.post("/referrals", Body.of("id", id, "traddr", traddr, "trsvcid", trsvcid, "adrfam", adrfam, "portId", portId)));
        }

        @Command(name = "update", description = "Change a referral.")
        int update(@Mixin Connection c, @Parameters(paramLabel = "ID") int id, @Option(names = "--traddr") String traddr,
                   @Option(names = "--trsvcid") Integer trsvcid, @Option(names = "--adrfam") String adrfam,
                   @Option(names = "--port-id") Integer portId) {
            return c.run(a -> a.patch("/referrals/" + id, Body.of("traddr", traddr, "trsvcid", trsvcid, "adrfam", adrfam, "portId", portId)));
        }

        @Command(name = "delete", description = "Delete a referral.")
        int delete(@Mixin Connection c, @Parameters(paramLabel = "ID") int id) { return c.run(a -> a.delete("/referrals/" + id)); }
    }
}
