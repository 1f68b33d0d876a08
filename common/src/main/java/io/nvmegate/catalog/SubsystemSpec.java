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
 */
public record SubsystemSpec(String nqn, String serial, String model, String firmware, boolean allowAnyHost,
                            List<String> hosts) {
    private static final Pattern NQN = Pattern.compile("nqn\\.\\d{4}-\\d{2}\\.[^:]+(:.+)?");

    public JsonObject toJson() {
        return new JsonObject().put("nqn", nqn).put("serial", serial).put("model", model).put("firmware", firmware)
                .put("allowAnyHost", allowAnyHost).put("hosts", new JsonArray(hosts));
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
        return new SubsystemSpec(nqn, serial, model, fw, j.getBoolean("allowAnyHost", true), hl);
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
