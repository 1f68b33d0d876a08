package io.nvmegate.controller;

import java.util.function.Predicate;

/**
 * An NVM or discovery subsystem as the controller core sees it (nvmet's {@code struct nvmet_subsys}).
 *
 * @param nqn          subsystem NQN (Identify Controller SUBNQN)
 * @param identity     serial, model, firmware, IEEE OUI and namespace limit shared by every controller of the subsystem
 * @param commandSet   the I/O or discovery command set
 * @param hostAllowed  whether a host NQN may connect (Connect Invalid Host otherwise)
 */
public record Subsystem(String nqn, Identity identity, CommandSet commandSet, Predicate<String> hostAllowed) {

    /**
     * What every controller of a subsystem reports about it in Identify Controller (NVMe Base 2.0 Figure 275).
     *
     * @param serial        SN, bytes 04..23 (≤ 20 ASCII characters)
     * @param model         MN, bytes 24..63 (≤ 40 ASCII characters)
     * @param firmware      FR, bytes 64..71 (≤ 8 ASCII characters)
     * @param ieeeOui       IEEE, bytes 73..75, 0..0xFFFFFF
     * @param maxNamespaces NN and MNAN: highest NSID the subsystem may use (1..1024)
     */
    public record Identity(String serial, String model, String firmware, int ieeeOui, int maxNamespaces) {
        /** A subsystem with no namespaces (e.g. a discovery subsystem). */
        public static Identity of(String serial, String model, String firmware) {
            return new Identity(serial, model, firmware, 0, 0);
        }
    }
}
