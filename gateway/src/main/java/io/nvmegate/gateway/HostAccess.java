package io.nvmegate.gateway;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.QueueTransport;
import io.nvmegate.protocol.Opcodes;

/**
 * Applies access changes to controllers that already exist (new connections read the catalog at Connect): a
 * controller whose host lost access to its subsystem ({@code allowAnyHost} false and the host not listed), whose
 * subsystem was deleted, or any controller while the target is disabled, is destroyed — its queues are closed,
 * so the host sees the controller go (NVMe-oF 1.1 section 3.3: the host is no longer allowed).
 */
final class HostAccess {
    private HostAccess() {}

    static void enforce(ControllerRegistry registry, CatalogView.Snapshot snap, boolean enabled) {
        for (Controller c : registry.controllers()) {
            String nqn = c.subsystem().nqn();
            if (c.destroyed() || Opcodes.DISCOVERY_NQN.equals(nqn)) continue;
            SubsystemSpec s = snap.subsystem(nqn);
            String reason = !enabled ? "target disabled"
                    : s == null ? "subsystem deleted"
                    : !s.allowAnyHost() && !s.hosts().contains(c.hostNqn()) ? "host access removed" : null;
            if (reason == null) continue;
            QueueTransport admin = c.adminQueue(); // controller state belongs to the admin queue's event loop
            if (admin != null) admin.runOnContext(() -> c.destroy(reason));
            else c.destroy(reason);
        }
    }
}
