package io.nvmegate.gateway;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.QueueTransport;
import io.nvmegate.protocol.Opcodes;

import java.util.OptionalInt;

/**
 * Applies access changes to controllers that already exist (new connections read the catalog at Connect). A
 * controller is destroyed — its queues are closed, so the host sees the controller go (NVMe-oF 1.1 section 3.3:
 * the host is no longer allowed; as nvmet does when a subsystem is unlinked from a port, {@code
 * nvmet_port_del_ctrls}) — when:
 * <ul>
 *   <li>the target is disabled (global {@code enabled=false});</li>
 *   <li>the port it was connected through no longer has a listener here: the port was deleted, moved to another
 *       address or service ID, or handed to another gateway (discovery controllers of that port too);</li>
 *   <li>its subsystem was deleted, or unlinked from that port;</li>
 *   <li>its host lost access to the subsystem ({@code allowAnyHost} false and the host not listed).</li>
 * </ul>
 * The reason is logged by {@link Controller#destroy}.
 */
final class HostAccess {
    private HostAccess() {}

    /**
     * @param listeners the gateway's listeners, not yet {@link PortListeners#reconcile reconciled} with {@code snap}
     *                  (they still tell which port each connection came through)
     */
    static void enforce(ControllerRegistry registry, CatalogView.Snapshot snap, boolean enabled, PortListeners listeners) {
        for (Controller c : registry.controllers()) {
            if (c.destroyed()) continue;
            QueueTransport admin = c.adminQueue(); // controller state belongs to the admin queue's event loop
            String reason = reason(c, admin, snap, enabled, listeners);
            if (reason == null) continue;
            if (admin != null) admin.runOnContext(() -> c.destroy(reason));
            else c.destroy(reason);
        }
    }

    /** @return why controller {@code c} must go, or null when it may stay */
    private static String reason(Controller c, QueueTransport admin, CatalogView.Snapshot snap, boolean enabled, PortListeners listeners) {
        String nqn = c.subsystem().nqn();
        boolean discovery = Opcodes.DISCOVERY_NQN.equals(nqn);
        if (!enabled) return discovery ? null : "target disabled";
        if (admin != null) {
            OptionalInt portId = listeners.portOf(admin.localHost(), admin.localPort());
            if (portId.isPresent()) {
                int id = portId.getAsInt();
                PortSpec port = snap.ports().stream().filter(p -> p.id() == id).findFirst().orElse(null);
                if (port == null) return "port " + id + " deleted";
                if (!listeners.keeps(id, port, true)) return "port " + id + " moved or handed to another gateway";
                if (!discovery && !port.exports(nqn)) return "subsystem " + nqn + " unlinked from port " + id;
            }
        }
        if (discovery) return null;
        SubsystemSpec s = snap.subsystem(nqn);
        if (s == null) return "subsystem deleted";
        if (!s.allowAnyHost() && !s.hosts().contains(c.hostNqn())) return "host access removed";
        return null;
    }
}
