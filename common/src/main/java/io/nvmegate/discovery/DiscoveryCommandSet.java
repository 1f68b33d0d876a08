package io.nvmegate.discovery;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.controller.CommandSet;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.IdentifyControllerData;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The discovery controller's command set (NVMe-oF 1.1 section 5; nvmet discovery.c): Identify Controller with
 * CNTRLTYPE 2 and Get Log Page 70h listing one entry per (port, subsystem) that this host may access. Every
 * other admin command is Invalid Command Opcode | DNR; discovery controllers have no I/O queues.
 *
 * <p>TRADDR of an entry: the port's advertised address when configured, else its address, else — for a
 * wildcard port — the address the host reached on this connection (never 0.0.0.0, as nvmet's disc_traddr).
 */
public final class DiscoveryCommandSet implements CommandSet {
    /** ASQSZ reported in entries: the Linux host's admin queue depth (NVME_AQ_DEPTH). */
    public static final int ASQSZ = 32;

    private final CatalogView catalog;
    private final Predicate<PortSpec> ports;

    /** @param ports which ports' entries this discovery controller lists */
    public DiscoveryCommandSet(CatalogView catalog, Predicate<PortSpec> ports) {
        this.catalog = catalog;
        this.ports = ports;
    }

    /** @return the well-known discovery subsystem served by this command set. */
    public Subsystem subsystem() {
        SubsystemSpec spec = new SubsystemSpec(Opcodes.DISCOVERY_NQN, SubsystemSpec.defaultSerial(Opcodes.DISCOVERY_NQN),
                "nvmegate discovery", "0.1.0", true, List.of());
        return new Subsystem(Opcodes.DISCOVERY_NQN, spec, this, host -> true);
    }

    @Override
    public void identifyController(Controller c, IdentifyControllerData id) {
        id.cntrltype = 2;
        id.oaes = 1 << 31; // Discovery Log Page Change notices
        id.nn = 0;
        id.mdts = 0;
        id.aerl = 3;
    }

    @Override
    public Buffer identify(Controller c, NvmeRequest r, int cns) {
        return null;
    }

    @Override
    public Buffer logPage(Controller c, NvmeRequest r, int lid, int lsp) {
        if (lid != Opcodes.LOG_DISCOVERY) return null;
        CatalogView.Snapshot s = catalog.current();
        return DiscoveryLogPage.encode(s.generation(), entries(s, c.hostNqn(), c.adminQueue() == null ? null : c.adminQueue().localHost()));
    }

    /**
     * The entries {@code hostNqn} may see, in port then NQN order, then the referrals (SUBTYPE 1, SUBNQN the
     * discovery NQN) of the listed ports; none while the target is disabled (global {@code enabled=false}).
     */
    public List<DiscoveryLogPage.Entry> entries(CatalogView.Snapshot s, String hostNqn, String reachedAddress) {
        List<DiscoveryLogPage.Entry> out = new ArrayList<>();
        if (!catalog.global().enabled()) return out;
        for (PortSpec p : s.ports()) {
            if (!ports.test(p)) continue;
            String traddr = p.advertisedAddress() != null ? p.advertisedAddress()
                    : !p.wildcard() ? p.traddr() : reachedAddress != null ? reachedAddress : p.traddr();
            for (SubsystemSpec sub : s.subsystems()) {
                if (!p.exports(sub.nqn())) continue;
                if (!sub.allowAnyHost() && !sub.hosts().contains(hostNqn)) continue;
                out.add(new DiscoveryLogPage.Entry(p.adrfam().equals("ipv6") ? 2 : 1, DiscoveryLogPage.SUBTYPE_NVM, 0,
                        p.id(), ASQSZ, 0, Integer.toString(p.trsvcid()), sub.nqn(), traddr));
            }
        }
        for (io.nvmegate.catalog.ReferralSpec r : catalog.referrals()) {
            if (r.portId() != 0 && s.ports().stream().noneMatch(p -> p.id() == r.portId() && ports.test(p))) continue;
            out.add(new DiscoveryLogPage.Entry(r.adrfam().equals("ipv6") ? 2 : 1, DiscoveryLogPage.SUBTYPE_REFERRAL, 0,
                    r.portId(), ASQSZ, 0, Integer.toString(r.trsvcid()), Opcodes.DISCOVERY_NQN, r.traddr()));
        }
        return out;
    }

    @Override
    public void io(Controller c, NvmeRequest r) {
        r.fail(Status.INVALID_OPCODE);
    }

    @Override
    public int maxIoQueues() {
        return 0;
    }
}
