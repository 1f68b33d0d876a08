package io.nvmegate.gateway;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.HostSpec;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.tls.ConfiguredPsk;
import io.nvmegate.tls.TlsPskSource;

/**
 * The TLS PSKs of one catalog port, read live from the catalog at each handshake (so a key rotated through the API
 * applies to the next connection): the configured PSK ({@link HostSpec#tlsPsk()}) of the host named in the offered
 * PSK identity, when that host may reach the identity's subsystem on this port — an NVM subsystem the port exports
 * that allows any host or lists the host, or the discovery subsystem (well-known NQN) for any host that has a PSK.
 */
final class PortPsks implements TlsPskSource {
    private final CatalogView catalog;
    private final int portId;

    PortPsks(CatalogView catalog, int portId) {
        this.catalog = catalog;
        this.portId = portId;
    }

    @Override
    public ConfiguredPsk configuredPsk(String hostNqn, String subNqn) {
        HostSpec host = catalog.hosts().stream().filter(h -> h.nqn().equals(hostNqn)).findFirst().orElse(null);
        if (host == null || host.tlsPsk() == null) return null;
        if (!subNqn.equals(Opcodes.DISCOVERY_NQN)) {
            CatalogView.Snapshot snap = catalog.current();
            PortSpec port = snap.ports().stream().filter(p -> p.id() == portId).findFirst().orElse(null);
            SubsystemSpec s = snap.subsystem(subNqn);
            if (port == null || s == null || !port.exports(subNqn) || !(s.allowAnyHost() || s.hosts().contains(hostNqn))) return null;
        }
        return host.configuredTlsPsk();
    }
}
