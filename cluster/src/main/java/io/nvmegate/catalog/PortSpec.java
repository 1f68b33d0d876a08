package io.nvmegate.catalog;

import io.nvmegate.protocol.tls.SecureChannel;
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
 * @param treq              secure channel ({@link SecureChannel}): {@code not-specified} (default: plaintext only),
 *                          {@code not-required} (TLS 1.3 with a PSK or plaintext) or {@code required} (TLS 1.3 only);
 *                          the TREQ and TSAS SECTYPE of this port's discovery log entries
 */
public record PortSpec(int id, String adrfam, String traddr, int trsvcid, String advertisedAddress, String gateway,
                       List<String> subsystems, int inCapsuleDataSize, int maxQueueSize, String treq) {
    public PortSpec {
        if (treq == null) treq = SecureChannel.NOT_SPECIFIED.name;
    }

    /** A port with no secure channel (TREQ not specified). */
    public PortSpec(int id, String adrfam, String traddr, int trsvcid, String advertisedAddress, String gateway,
                    List<String> subsystems, int inCapsuleDataSize, int maxQueueSize) {
        this(id, adrfam, traddr, trsvcid, advertisedAddress, gateway, subsystems, inCapsuleDataSize, maxQueueSize, null);
    }

    /** A port using the gateway's in-capsule data size and queue size. */
    public PortSpec(int id, String adrfam, String traddr, int trsvcid, String advertisedAddress, String gateway,
                    List<String> subsystems) {
        this(id, adrfam, traddr, trsvcid, advertisedAddress, gateway, subsystems, 0, 0, null);
    }

    /** @return this port with another subsystem list. */
    public PortSpec withSubsystems(List<String> subs) {
        return new PortSpec(id, adrfam, traddr, trsvcid, advertisedAddress, gateway, subs, inCapsuleDataSize, maxQueueSize, treq);
    }

    /** @return this port with another listen address and advertised address. */
    public PortSpec withAddresses(String newTraddr, String newAdvertised) {
        return new PortSpec(id, adrfam, newTraddr, trsvcid, newAdvertised, gateway, subsystems, inCapsuleDataSize, maxQueueSize, treq);
    }

    public boolean exports(String nqn) {
        return subsystems.isEmpty() || subsystems.contains(nqn);
    }

    public boolean servedBy(String gatewayId) {
        return gateway == null || gateway.equals(gatewayId);
    }

    /** This port's secure-channel setting. */
    public SecureChannel secureChannel() {
        return SecureChannel.of(treq);
    }

    /** @return this port with another secure-channel setting */
    public PortSpec withTreq(String newTreq) {
        return new PortSpec(id, adrfam, traddr, trsvcid, advertisedAddress, gateway, subsystems, inCapsuleDataSize, maxQueueSize, newTreq);
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
        if (!treq.equals(SecureChannel.NOT_SPECIFIED.name)) j.put("treq", treq);
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
        String treq = j.getString("treq", SecureChannel.NOT_SPECIFIED.name);
        if (!SecureChannel.NAMES.contains(treq)) throw new IllegalArgumentException("port.treq must be one of " + SecureChannel.NAMES + ", got " + treq);
        return new PortSpec(id, adrfam, j.getString("traddr", adrfam.equals("ipv4") ? "0.0.0.0" : "::"), svc,
                j.getString("advertisedAddress"), j.getString("gateway"), subs, icd, qs, treq);
    }
}
