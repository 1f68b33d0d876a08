package io.nvmegate.tls;

import io.nvmegate.protocol.tls.ConfiguredPsk;

/** Where a port finds the configured PSK of a host that opens TLS toward a subsystem (the catalog, on a gateway). */
@FunctionalInterface
public interface TlsPskSource {
    /** No PSK for anyone. */
    TlsPskSource NONE = (host, sub) -> null;

    /**
     * @param hostNqn NQNh from the offered PSK identity
     * @param subNqn  NQNc from the offered PSK identity (an NVM subsystem, or a discovery NQN)
     * @return the host's configured PSK when that host may reach {@code subNqn} on this port, else null
     */
    ConfiguredPsk configuredPsk(String hostNqn, String subNqn);
}
