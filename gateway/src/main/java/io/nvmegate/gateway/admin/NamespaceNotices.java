package io.nvmegate.gateway.admin;

import io.nvmegate.admin.Features;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.QueueTransport;
import io.nvmegate.gateway.ana.AnaNotices;
import io.nvmegate.protocol.Opcodes;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Turns catalog changes into asynchronous events of the I/O controllers of this gateway (NVMe Base 2.0 section
 * 5.2 and 8.1.x): a namespace added, removed, enabled/disabled or resized is put in each affected controller's
 * Changed Namespace List and reported as a Namespace Attribute Changed notice (AEN DW0 0x00040002: type 2 notice,
 * info 00h, LID 04h) if the host enabled it in Asynchronous Event Configuration bit 8; a namespace whose ANA group
 * changed (or appeared/disappeared) is also reported as an ANA change ({@link AnaNotices}). A notice then stays
 * masked until the host reads that log page with RAE = 0 ({@link io.nvmegate.controller.AsyncEvents}).
 */
public final class NamespaceNotices implements Consumer<CatalogView.Snapshot> {
    public static final int AEN_NS_ATTRIBUTE_CHANGED = 0x00040002;
    static final int AEC_NS_ATTRIBUTE = 1 << 8;

    private final ControllerRegistry registry;
    private Map<String, NamespaceSpec> previous;

    public NamespaceNotices(ControllerRegistry registry, CatalogView.Snapshot initial) {
        this.registry = registry;
        this.previous = initial.namespaceByKey();
    }

    @Override
    public synchronized void accept(CatalogView.Snapshot snap) {
        Map<String, NamespaceSpec> now = snap.namespaceByKey();
        Map<String, Set<Integer>> changed = new HashMap<>();
        Set<String> anaChanged = new HashSet<>();
        Set<String> keys = new HashSet<>(previous.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            NamespaceSpec a = active(previous.get(k)), b = active(now.get(k));
            if (Objects.equals(a, b)) continue;
            NamespaceSpec any = b != null ? b : a;
            if (any == null) continue;
            if (a != null && b != null && a.sizeBytes() == b.sizeBytes() && a.blockSize() == b.blockSize()
                    && a.anaGroup() == b.anaGroup()) {
                continue; // e.g. another worker or backend: nothing the host sees
            }
            changed.computeIfAbsent(any.subsystemNqn(), n -> new TreeSet<>()).add(any.nsid());
            if (AnaNotices.changed(a, b)) anaChanged.add(any.subsystemNqn());
        }
        previous = now;
        if (changed.isEmpty()) return;
        for (Controller c : registry.controllers()) {
            Set<Integer> nsids = changed.get(c.subsystem().nqn());
            if (nsids == null || c.destroyed() || Opcodes.DISCOVERY_NQN.equals(c.subsystem().nqn())) continue;
            nsids.forEach(c.changedNamespaces()::add);
            boolean ana = anaChanged.contains(c.subsystem().nqn());
            QueueTransport admin = c.adminQueue();
            if (admin == null) continue;
            admin.runOnContext(() -> {
                if ((Features.asyncEventConfig(c) & AEC_NS_ATTRIBUTE) != 0) c.events().notify(AEN_NS_ATTRIBUTE_CHANGED);
                if (ana) AnaNotices.report(c);
            });
        }
    }

    private static NamespaceSpec active(NamespaceSpec ns) {
        return ns != null && ns.enabled() ? ns : null;
    }
}
