package io.nvmegate.embedded;

import io.nvmegate.catalog.SubsystemSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * An NVM subsystem of an embedded target. Immutable; start from {@link #of(String)}.
 *
 * @param nqn          subsystem NQN ({@code nqn.yyyy-mm.reverse-domain:name}, ≤ 223 bytes; NVMe Base 2.0 section 4.5)
 * @param serial       SN of every controller (≤ 20 ASCII characters); null: derived from the NQN
 * @param model        MN (≤ 40 ASCII characters); default {@code nvmegate}
 * @param allowAnyHost when false only {@code allowedHosts} may connect; others get Connect Invalid Host
 *                     (SCT 1h, SC 84h)
 * @param allowedHosts host NQNs allowed to connect when {@code allowAnyHost} is false
 */
public record SubsystemConfig(String nqn, String serial, String model, boolean allowAnyHost, List<String> allowedHosts) {

    /** @throws IllegalArgumentException if a field is invalid (as a configuration file would be rejected) */
    public SubsystemConfig {
        allowedHosts = List.copyOf(allowedHosts);
        SubsystemSpec.fromJson(json(nqn, serial, model, allowAnyHost, allowedHosts)); // validates
    }

    /** A subsystem any host may connect to, with a serial derived from the NQN and model {@code nvmegate}. */
    public static SubsystemConfig of(String nqn) {
        return new SubsystemConfig(nqn, null, "nvmegate", true, List.of());
    }

    public SubsystemConfig withSerial(String v) { return new SubsystemConfig(nqn, v, model, allowAnyHost, allowedHosts); }

    public SubsystemConfig withModel(String v) { return new SubsystemConfig(nqn, serial, v, allowAnyHost, allowedHosts); }

    /** Any host may connect (the default). */
    public SubsystemConfig withAllowAnyHost() { return new SubsystemConfig(nqn, serial, model, true, List.of()); }

    /** Only these host NQNs may connect (sets {@code allowAnyHost} to false). */
    public SubsystemConfig withAllowedHosts(String... hostNqns) {
        return new SubsystemConfig(nqn, serial, model, false, List.of(hostNqns));
    }

    /** @return the configuration-file form ({@code subsystems[]} entry, without namespaces) */
    JsonObject toJson() {
        return json(nqn, serial, model, allowAnyHost, allowedHosts);
    }

    private static JsonObject json(String nqn, String serial, String model, boolean allowAnyHost, List<String> allowedHosts) {
        JsonObject j = new JsonObject().put("nqn", nqn).put("model", model).put("allowAnyHost", allowAnyHost)
                .put("hosts", new JsonArray(allowedHosts));
        if (serial != null) j.put("serial", serial);
        return j;
    }

    SubsystemSpec toSpec() {
        return SubsystemSpec.fromJson(toJson());
    }
}
