package io.nvmegate.catalog;

import io.vertx.core.json.JsonObject;

/**
 * A referral to another discovery controller (map {@value Catalog#REFERRALS}, key: id): published in the
 * discovery log as an entry with SUBTYPE 1 (referral to a discovery service; NVMe-oF 1.1 section 5.3.2).
 *
 * @param id      referral ID, 1..65535
 * @param adrfam  {@code ipv4} or {@code ipv6}
 * @param traddr  address of the other discovery controller
 * @param trsvcid its TCP port (8009)
 * @param portId  the port whose discovery log lists the referral; 0: every port
 */
public record ReferralSpec(int id, String adrfam, String traddr, int trsvcid, int portId) {
    public JsonObject toJson() {
        return new JsonObject().put("id", id).put("trtype", "tcp").put("adrfam", adrfam).put("traddr", traddr)
                .put("trsvcid", trsvcid).put("portId", portId);
    }

    /** @throws IllegalArgumentException naming the bad field */
    public static ReferralSpec fromJson(JsonObject j) {
        int id = j.getInteger("id", 1);
        if (id < 1 || id > 0xFFFF) throw new IllegalArgumentException("referral.id must be 1..65535, got " + id);
        String trtype = j.getString("trtype", "tcp");
        if (!trtype.equals("tcp")) throw new IllegalArgumentException("referral.trtype: only tcp is supported, got " + trtype);
        String adrfam = j.getString("adrfam", "ipv4");
        if (!adrfam.equals("ipv4") && !adrfam.equals("ipv6")) throw new IllegalArgumentException("referral.adrfam must be ipv4 or ipv6, got " + adrfam);
        String traddr = j.getString("traddr");
        if (traddr == null || traddr.isBlank() || traddr.length() > 256) throw new IllegalArgumentException("referral.traddr is required (≤ 256 characters)");
        int svc = j.getInteger("trsvcid", 8009);
        if (svc < 1 || svc > 0xFFFF) throw new IllegalArgumentException("referral.trsvcid must be 1..65535, got " + svc);
        int port = j.getInteger("portId", 0);
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("referral.portId must be 0..65535, got " + port);
        return new ReferralSpec(id, adrfam, traddr, svc, port);
    }
}
