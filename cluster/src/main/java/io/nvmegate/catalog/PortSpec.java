package io.nvmegate.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A transport port: an address gateways listen on and the subsystems exported there (map
 * {@value Catalog#PORTS}, key: port ID). Discovery log entries are one per (port, subsystem).
 *
 * @param id                PORTID reported in discovery log entries, 1..65535
 * @param adrfam            {@code ipv4} or {@code ipv6}
 * @param traddr            listen address; {@code 0.0.0.0} or {@code ::} for every interface
 * @param trsvcid           TCP port
 * @param advertisedAddress TRADDR published in the discovery log when set (needed behind NAT); otherwise
 *                          {@code traddr}, and for a wildcard {@code traddr} the address the host reached
 * @param gateway           ID of the gateway that listens on this port; {@code null}: every gateway
 * @param subsystems        NQNs exported on this port; empty: every subsystem
 * @param inCapsuleDataSize in-capsule data accepted on I/O queues, bytes: a multiple of 16, 1024..131072 (IOCCSZ =
 *                          (64 + this) / 16; at least 1024 so an I/O-queue Connect's data fits); 0: the gateway's
 * @param maxQueueSize      most entries per queue, 16..1024 (CAP.MQES + 1, MAXCMD); 0: the gateway's
 */
public record PortSpec(int id, String adrfam, String traddr, int trsvcid, String advertisedAddress, String gateway,
                       List<String> subsystems, int inCapsuleDataSize, int maxQueueSize) {
    /** A port using the gateway's in-capsule data size and queue size. */
    public PortSpec(int id, String adrfam, String traddr, int trsvcid, String advertisedAddress, String gateway,
                    List<String> subsystems) {
        this(id, adrfam, traddr, trsvcid, advertisedAddress, gateway, subsystems, 0, 0);
    }

    /** @return this port with another subsystem list. */
    public PortSpec withSubsystems(List<String> subs) {
        return new PortSpec(id, adrfam, traddr, trsvcid, advertisedAddress, gateway, subs, inCapsuleDataSize, maxQueueSize);
    }

    /** @return this port with another listen address and advertised address. */
    public PortSpec withAddresses(String newTraddr, String newAdvertised) {
        return new PortSpec(id, adrfam, newTraddr, trsvcid, newAdvertised, gateway, subsystems, inCapsuleDataSize, maxQueueSize);
    }

    public boolean exports(String nqn) {
        return subsystems.isEmpty() || subsystems.contains(nqn);
    }

    public boolean servedBy(String gatewayId) {
        return gateway == null || gateway.equals(gatewayId);
    }

    public boolean wildcard() {
        return traddr.equals("0.0.0.0") || traddr.equals("::");
    }

    public JsonObject toJson() {
        JsonObject j = new JsonObject().put("id", id).put("trtype", "tcp").put("adrfam", adrfam).put("traddr", traddr)
                .put("trsvcid", trsvcid).put("subsystems", new JsonArray(subsystems));
        if (inCapsuleDataSize > 0) j.put("inCapsuleDataSize", inCapsuleDataSize);
        if (maxQueueSize > 0) j.put("maxQueueSize", maxQueueSize);
        if (advertisedAddress != null) j.put("advertisedAddress", advertisedAddress);
        if (gateway != null) j.put("gateway", gateway);
        return j;
    }

    /** @throws IllegalArgumentException naming the bad field */
    public static PortSpec fromJson(JsonObject j) {
        int id = j.getInteger("id", 1);
        if (id < 1 || id > 0xFFFF) throw new IllegalArgumentException("port.id must be 1..65535");
        String trtype = j.getString("trtype", "tcp");
        if (!trtype.equals("tcp")) throw new IllegalArgumentException("port.trtype: only tcp is supported, got " + trtype);
        String adrfam = j.getString("adrfam", "ipv4");
        if (!adrfam.equals("ipv4") && !adrfam.equals("ipv6")) throw new IllegalArgumentException("port.adrfam must be ipv4 or ipv6");
        int svc = j.getInteger("trsvcid", 4420);
        if (svc < 0 || svc > 0xFFFF) throw new IllegalArgumentException("port.trsvcid must be 0..65535");
        List<String> subs = j.getJsonArray("subsystems", new JsonArray()).stream().map(Object::toString).toList();
        int icd = j.getInteger("inCapsuleDataSize", 0);
        if (icd != 0 && (icd < 1024 || icd > 131072 || icd % 16 != 0)) throw new IllegalArgumentException("port.inCapsuleDataSize must be a multiple of 16 in 1024..131072, got " + icd);
        int qs = j.getInteger("maxQueueSize", 0);
        if (qs != 0 && (qs < 16 || qs > 1024)) throw new IllegalArgumentException("port.maxQueueSize must be 16..1024, got " + qs);
        return new PortSpec(id, adrfam, j.getString("traddr", adrfam.equals("ipv4") ? "0.0.0.0" : "::"), svc,
                j.getString("advertisedAddress"), j.getString("gateway"), subs, icd, qs);
    }
}
