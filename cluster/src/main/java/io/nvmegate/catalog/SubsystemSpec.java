package io.nvmegate.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An NVM subsystem, as kept in the catalog (map {@value Catalog#SUBSYSTEMS}, key: NQN).
 *
 * @param nqn          subsystem NQN (NVMe Base 2.0 section 4.5: "nqn.yyyy-mm.reverse-domain:name", ≤ 223 bytes)
 * @param serial       SN reported by every controller of the subsystem (≤ 20 ASCII characters)
 * @param model        MN (≤ 40 ASCII characters)
 * @param firmware     FR (≤ 8 ASCII characters)
 * @param allowAnyHost when false only {@code hosts} may connect (others get Connect Invalid Host)
 * @param hosts        host NQNs allowed to connect
 * @param ieeeOui      IEEE OUI reported in Identify Controller (bytes 73..75), 0..0xFFFFFF; JSON: 6 hex digits
 * @param maxNamespaces highest NSID the subsystem may use, 1..1024 (Identify Controller NN and MNAN)
 * @param requireAuth  every host must authenticate with DH-HMAC-CHAP (a host without a key is refused at Connect
 *                     with Connect Invalid Host); the stricter of this and {@link GlobalSpec#requireAuth()} applies.
 *                     Hosts with a key always authenticate. Default false.
 */
public record SubsystemSpec(String nqn, String serial, String model, String firmware, boolean allowAnyHost,
                            List<String> hosts, int ieeeOui, int maxNamespaces, boolean requireAuth) {
    private static final Pattern NQN = Pattern.compile("nqn\\.\\d{4}-\\d{2}\\.[^:]+(:.+)?");
    /** Most namespaces a subsystem may have (NN/MNAN upper bound, as nvmet's NVMET_MAX_NAMESPACES). */
    public static final int MAX_NAMESPACES = 1024;

    /** A subsystem with no IEEE OUI and the maximum number of namespaces. */
    public SubsystemSpec(String nqn, String serial, String model, String firmware, boolean allowAnyHost, List<String> hosts) {
        this(nqn, serial, model, firmware, allowAnyHost, hosts, 0, MAX_NAMESPACES, false);
    }

    /** A subsystem that does not itself require authentication. */
    public SubsystemSpec(String nqn, String serial, String model, String firmware, boolean allowAnyHost, List<String> hosts,
                         int ieeeOui, int maxNamespaces) {
        this(nqn, serial, model, firmware, allowAnyHost, hosts, ieeeOui, maxNamespaces, false);
    }

    /** @return this subsystem with another host list. */
    public SubsystemSpec withHosts(List<String> newHosts) {
        return new SubsystemSpec(nqn, serial, model, firmware, allowAnyHost, newHosts, ieeeOui, maxNamespaces, requireAuth);
    }

    public JsonObject toJson() {
        return new JsonObject().put("nqn", nqn).put("serial", serial).put("model", model).put("firmware", firmware)
                .put("allowAnyHost", allowAnyHost).put("hosts", new JsonArray(hosts))
                .put("ieeeOui", String.format("%06x", ieeeOui)).put("maxNamespaces", maxNamespaces)
                .put("requireAuth", requireAuth);
    }

    /** @throws IllegalArgumentException naming the bad field */
    public static SubsystemSpec fromJson(JsonObject j) {
        String nqn = j.getString("nqn");
        checkNqn("subsystem.nqn", nqn);
        String serial = j.getString("serial", defaultSerial(nqn));
        if (serial.length() > 20 || !ascii(serial)) throw new IllegalArgumentException("subsystem.serial must be ≤ 20 ASCII characters");
        String model = j.getString("model", "nvmegate");
        if (model.length() > 40 || !ascii(model)) throw new IllegalArgumentException("subsystem.model must be ≤ 40 ASCII characters");
        String fw = j.getString("firmware", "0.1.0");
        if (fw.length() > 8 || !ascii(fw)) throw new IllegalArgumentException("subsystem.firmware must be ≤ 8 ASCII characters");
        JsonArray hosts = j.getJsonArray("hosts", new JsonArray());
        List<String> hl = hosts.stream().map(Object::toString).toList();
        for (String h : hl) checkNqn("subsystem.hosts[]", h);
        Object ouiValue = j.getValue("ieeeOui", "000000");
        int oui;
        if (ouiValue instanceof Number n) {
            oui = n.intValue();
        } else if (ouiValue.toString().matches("[0-9a-fA-F]{6}")) {
            oui = Integer.parseInt(ouiValue.toString(), 16);
        } else {
            throw new IllegalArgumentException("subsystem.ieeeOui must be 6 hex digits, got " + ouiValue);
        }
        if (oui < 0 || oui > 0xFFFFFF) throw new IllegalArgumentException("subsystem.ieeeOui must be 0..ffffff");
        int maxNs = j.getInteger("maxNamespaces", MAX_NAMESPACES);
        if (maxNs < 1 || maxNs > MAX_NAMESPACES) throw new IllegalArgumentException("subsystem.maxNamespaces must be 1.." + MAX_NAMESPACES + ", got " + maxNs);
        return new SubsystemSpec(nqn, serial, model, fw, j.getBoolean("allowAnyHost", true), hl, oui, maxNs,
                j.getBoolean("requireAuth", false));
    }

    /** @return a serial number derived from the NQN (stable, 16 hex digits). */
    public static String defaultSerial(String nqn) {
        return String.format("%016x", nqn.hashCode() * 0x9E3779B97F4A7C15L);
    }

    /** @throws IllegalArgumentException if {@code nqn} is not a valid NQN of at most 223 bytes */
    public static void checkNqn(String field, String nqn) {
        if (nqn == null || nqn.isEmpty()) throw new IllegalArgumentException(field + " is required");
        if (nqn.length() > 223) throw new IllegalArgumentException(field + " longer than 223 bytes");
        if (!NQN.matcher(nqn).matches() && !nqn.startsWith("nqn.2014-08.org.nvmexpress:uuid:")) {
            throw new IllegalArgumentException(field + " is not an NQN (nqn.yyyy-mm.domain:name): " + nqn);
        }
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }
}
