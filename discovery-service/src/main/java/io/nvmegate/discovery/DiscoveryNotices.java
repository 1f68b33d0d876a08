package io.nvmegate.discovery;

import io.nvmegate.admin.Features;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.QueueTransport;

import java.util.function.Consumer;

/**
 * Discovery Log Page Change notices (NVMe Base 2.0 section 5.2, Figure 150; NVMe-oF 1.1 section 5.3.3): whenever the
 * cluster-wide catalog generation (the log's GENCTR) moves, every live discovery controller of {@code registry}
 * whose host enabled the notice (Asynchronous Event Configuration bit 31, which the Linux host sets from OAES bit
 * 31 in {@code nvme_enable_aen}) gets AEN DW0 {@value #AEN_DISCOVERY_LOG_CHANGED}: type 2 notice, info F0h,
 * LID 70h. {@link io.nvmegate.controller.AsyncEvents} then masks further ones until the host reads log 70h with
 * RAE = 0 (as nvmet's {@code nvmet_port_disc_changed} with its AEN mask bit). The Linux host turns it into a
 * {@code NVME_AEN=0x70f002} change uevent on the controller device (udev rule 70-nvmf-autoconnect: connect-all
 * through that persistent discovery controller).
 */
public final class DiscoveryNotices implements Consumer<CatalogView.Snapshot> {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DiscoveryNotices.class);
    public static final int AEN_DISCOVERY_LOG_CHANGED = 0x0070F002;
    static final int AEC_DISCOVERY_LOG_CHANGE = 1 << 31;

    private final ControllerRegistry registry;
    private long generation;

    /** @param initial the snapshot controllers see first (no notice for it) */
    public DiscoveryNotices(ControllerRegistry registry, CatalogView.Snapshot initial) {
        this.registry = registry;
        this.generation = initial.generation();
    }

    @Override
    public synchronized void accept(CatalogView.Snapshot snap) {
        if (snap.generation() == generation) return;
        generation = snap.generation();
        for (Controller c : registry.controllers()) {
            if (c.destroyed() || !(c.subsystem().commandSet() instanceof DiscoveryCommandSet)) continue;
            QueueTransport admin = c.adminQueue();
            if (admin == null) continue;
            long gen = generation;
            admin.runOnContext(() -> {
                if (c.destroyed()) return;
                if ((Features.asyncEventConfig(c) & AEC_DISCOVERY_LOG_CHANGE) == 0) {
                    log.debug("{}: discovery log GENCTR {}: notice not enabled (AEC bit 31 clear)", c, gen);
                } else if (c.events().notify(AEN_DISCOVERY_LOG_CHANGED)) {
                    log.info("{}: discovery log GENCTR {}: AEN 0x0070F002 (Discovery Log Page Change) reported", c, gen);
                } else {
                    log.debug("{}: discovery log GENCTR {}: notice masked until log 70h is read with RAE = 0", c, gen);
                }
            });
        }
    }
}
