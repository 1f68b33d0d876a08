package io.nvmegate.discovery;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.ReferralSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.admin.AdminCommandSet;
import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.admin.LogPageRequest;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.tls.SecureChannel;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The discovery controller's command set (NVMe-oF 1.1 section 5; nvmet discovery.c): the shared admin commands
 * ({@link io.nvmegate.admin.AdminCommands}: Keep Alive, AER, Abort, Get/Set Features, Identify, Get Log Page) with
 * Identify Controller CNTRLTYPE 2 and Get Log Page 70h. Every other admin opcode is Invalid Command Opcode | DNR,
 * any other CNS or log page Invalid Field | DNR; discovery controllers have no I/O queues (Number of Queues 0).
 *
 * <p>Log page 70h, in this order (as nvmet): one SUBTYPE 3 entry for this discovery controller itself (EFLAGS
 * DUPRETINFO | EPCSD, so connect-all does not follow it back here), one SUBTYPE 2 entry per (port, NVM subsystem)
 * that this host may access (allow_any_host or a host link), ports by PORTID then subsystems by NQN, then SUBTYPE 1
 * referrals: those of the catalog, then — for a port's discovery controller with {@code crossPortReferrals} on —
 * one per other port. Every entry: TRTYPE TCP, TREQ {@link #TREQ} (SQ flow control disable supported) with the
 * secure channel bits 1:0 and TSAS SECTYPE of the catalog port the entry names ({@link #treq}: not specified / none
 * for the discovery service's own listener and the catalog's referrals), CNTLID 0xFFFF, ASQSZ {@link #ASQSZ}. GENCTR is the cluster-wide catalog generation, so the
 * same host gets byte-identical pages from every instance reached at the same address. EFLAGS bit 2 (NCC) stays 0:
 * it is defined for a CDC's log only.
 *
 * <p>TRADDR of an entry: the port's advertised address when configured, else its address, else — for a
 * wildcard port — the address the host reached on this connection (never 0.0.0.0, as nvmet's disc_traddr).
 *
 * <p>Stable reads (libnvme {@code nvme_discovery_log}: header at LPO 0, entries from LPO 1024 in ≤ 4 KiB pieces,
 * header again, retry while GENCTR moved): each controller keeps the page it built at its last LPO 0 read and
 * serves every LPO &gt; 0 from it; an LPO 0 read rebuilds it only when the generation moved. So the entries a host
 * reads always belong to the GENCTR of the header it read before them, and a re-read header with the same GENCTR
 * describes exactly those entries.
 */
public final class DiscoveryCommandSet implements AdminCommandSet {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DiscoveryCommandSet.class);
    /** ASQSZ reported in entries: the Linux host's admin queue depth (NVME_AQ_DEPTH), as nvmet. */
    public static final int ASQSZ = 32;
    /**
     * TREQ of an entry without a secure channel: bits 1:0 = 0 (not specified: 1 or 2 make libnvme use TLS), bit 2.
     * A port with a secure channel adds its bits 1:0 ({@link #treq}).
     */
    public static final int TREQ = DiscoveryLogPage.TREQ_SQFLOW_DISABLE_SUPPORTED;
    /** EFLAGS of the SUBTYPE 3 entry. */
    public static final int EFLAGS_CURRENT = DiscoveryLogPage.EFLAGS_DUPRETINFO | DiscoveryLogPage.EFLAGS_EPCSD;

    /**
     * Where hosts reach this discovery controller: the subject of the SUBTYPE 3 entry.
     *
     * @param portId  PORTID (a catalog port's ID; 0 for the discovery service's own listener)
     * @param adrfam  {@code ipv4} or {@code ipv6}
     * @param traddr  TRADDR; {@code null}: the address the host reached
     * @param trsvcid TCP port
     */
    public record Self(int portId, String adrfam, String traddr, int trsvcid) {
    }

    private record Held(long generation, Buffer page) {
    }

    private final CatalogView catalog;
    private final Predicate<PortSpec> ports;
    private final Function<CatalogView.Snapshot, Self> self;
    private final boolean portScoped;
    private final String nqn;
    private final Map<Controller, Held> held = new ConcurrentHashMap<>();

    /**
     * @param ports      which ports' entries this discovery controller lists
     * @param self       where it is reached (SUBTYPE 3 entry)
     * @param portScoped true for a gateway port's discovery controller (cross-port referrals apply)
     * @param nqn        the discovery subsystem NQN reported in Identify SUBNQN and the SUBTYPE 3 entry: the
     *                   well-known {@value Opcodes#DISCOVERY_NQN} or a unique discovery NQN
     */
    public DiscoveryCommandSet(CatalogView catalog, Predicate<PortSpec> ports, Function<CatalogView.Snapshot, Self> self,
                               boolean portScoped, String nqn) {
        this.catalog = catalog;
        this.ports = ports;
        this.self = self;
        this.portScoped = portScoped;
        this.nqn = nqn == null ? Opcodes.DISCOVERY_NQN : nqn;
    }

    /** The discovery controller of catalog port {@code port} (a gateway's I/O port), well-known NQN. */
    public static DiscoveryCommandSet forPort(CatalogView catalog, PortSpec port) {
        return new DiscoveryCommandSet(catalog, q -> q.id() == port.id(), snap -> {
            PortSpec p = snap.ports().stream().filter(q -> q.id() == port.id()).findFirst().orElse(port);
            return new Self(p.id(), p.adrfam(), advertised(p), p.trsvcid());
        }, true, Opcodes.DISCOVERY_NQN);
    }

    /** @return the discovery subsystem served by this command set (Connect names it by {@link #nqn()} or the well-known NQN). */
    public Subsystem subsystem() {
        Subsystem.Identity id = Subsystem.Identity.of(SubsystemSpec.defaultSerial(Opcodes.DISCOVERY_NQN), "nvmegate discovery", "0.1.0");
        return new Subsystem(Opcodes.DISCOVERY_NQN, id, this, host -> true);
    }

    /** The discovery subsystem NQN this controller reports. */
    public String nqn() { return nqn; }

    /** @return whether a Connect naming {@code subnqn} reaches this discovery subsystem (well-known or unique NQN). */
    public boolean answers(String subnqn) {
        return Opcodes.DISCOVERY_NQN.equals(subnqn) || nqn.equals(subnqn);
    }

    /**
     * Identify Controller of a discovery controller (NVMe-oF 1.1 section 5.2; nvmet_execute_disc_identify): CNTRLTYPE
     * 2, OAES bit 31 (Discovery Log Page Change notices), NN 0, SUBNQN {@link #nqn()}; MDTS, SGLS, LPA bit 2 (LPO),
     * KAS and AERL come from the controller core. MDTS is the transport's, as for every controller (nvmet reports 0,
     * no limit, but maps the host's buffer; here a reply is built in memory, so the command parser refuses an SGL
     * length above MDTS with Invalid Field | DNR): libnvme reads the log in pieces of at most 4 KiB, well below it.
     */
    @Override
    public void identifyController(Controller c, IdentifyControllerData id) {
        id.cntrltype = 2;
        id.oaes = 1 << 31;
        id.nn = 0;
        id.aerl = 3;
        id.subnqn = nqn;
    }

    @Override
    public Buffer identify(Controller c, NvmeRequest r, int cns) {
        return null;
    }

    @Override
    public Buffer logPage(Controller c, NvmeRequest r, LogPageRequest p) {
        if (p.lid() != Opcodes.LOG_DISCOVERY) return null;
        long lpo = p.lpo();
        Held h = held.get(c);
        CatalogView.Snapshot s = catalog.current();
        if (h == null || (lpo == 0 && h.generation() != s.generation())) {
            String reached = c.adminQueue() == null ? null : c.adminQueue().localHost();
            h = new Held(s.generation(), DiscoveryLogPage.encode(s.generation(), entries(s, c.hostNqn(), reached)));
            held.put(c, h);
            if (c.destroyed()) held.remove(c); // torn down meanwhile: released() already ran
        }
        if (log.isDebugEnabled()) {
            log.debug("{}: discovery log read LPO {} RAE {}: GENCTR {}", c, lpo, p.rae() ? 1 : 0, h.generation());
        }
        return h.page();
    }

    @Override
    public void released(Controller c) {
        held.remove(c);
    }

    /** The entries of the page {@code hostNqn} reads (order in the class comment). */
    public List<DiscoveryLogPage.Entry> entries(CatalogView.Snapshot s, String hostNqn, String reachedAddress) {
        List<DiscoveryLogPage.Entry> out = new ArrayList<>();
        Self me = self.apply(s);
        SecureChannel mine = portScoped ? s.ports().stream().filter(p -> p.id() == me.portId()).findFirst()
                .map(PortSpec::secureChannel).orElse(SecureChannel.NOT_SPECIFIED) : SecureChannel.NOT_SPECIFIED;
        out.add(new DiscoveryLogPage.Entry(family(me.adrfam()), DiscoveryLogPage.SUBTYPE_CURRENT_DISCOVERY, treq(mine),
                me.portId(), ASQSZ, EFLAGS_CURRENT, Integer.toString(me.trsvcid()), nqn, or(me.traddr(), reachedAddress), mine.sectype()));
        if (!catalog.global().enabled()) return out;
        for (PortSpec p : s.ports()) {
            if (!ports.test(p)) continue;
            String traddr = or(advertised(p), reachedAddress);
            for (SubsystemSpec sub : s.subsystems()) {
                if (!p.exports(sub.nqn())) continue;
                if (!sub.allowAnyHost() && !sub.hosts().contains(hostNqn)) continue;
                out.add(new DiscoveryLogPage.Entry(family(p.adrfam()), DiscoveryLogPage.SUBTYPE_NVM, treq(p.secureChannel()),
                        p.id(), ASQSZ, 0, Integer.toString(p.trsvcid()), sub.nqn(), traddr, p.secureChannel().sectype()));
            }
        }
        for (ReferralSpec r : catalog.referrals()) {
            if (r.portId() != 0 && s.ports().stream().noneMatch(p -> p.id() == r.portId() && ports.test(p))) continue;
            // another discovery service: whether it supports explicit persistent connections is not known (EFLAGS 0)
            out.add(new DiscoveryLogPage.Entry(family(r.adrfam()), DiscoveryLogPage.SUBTYPE_REFERRAL, TREQ,
                    r.portId(), ASQSZ, 0, Integer.toString(r.trsvcid()), Opcodes.DISCOVERY_NQN, r.traddr()));
        }
        if (portScoped && catalog.global().crossPortReferrals()) {
            for (PortSpec p : s.ports()) {
                if (ports.test(p)) continue;
                // the discovery controller on another nvmegate port: persistent connections supported (EPCSD)
                out.add(new DiscoveryLogPage.Entry(family(p.adrfam()), DiscoveryLogPage.SUBTYPE_REFERRAL, treq(p.secureChannel()),
                        p.id(), ASQSZ, DiscoveryLogPage.EFLAGS_EPCSD, Integer.toString(p.trsvcid()), Opcodes.DISCOVERY_NQN,
                        or(advertised(p), reachedAddress), p.secureChannel().sectype()));
            }
        }
        return out;
    }

    /** TREQ of an entry for a port with secure channel {@code sc}: {@link #TREQ} with bits 1:0 = its TREQ. */
    static int treq(SecureChannel sc) {
        return TREQ | sc.treq;
    }

    /** The TRADDR a port publishes: its advertised address, else its non-wildcard address, else null (the reached one). */
    static String advertised(PortSpec p) {
        return p.advertisedAddress() != null ? p.advertisedAddress() : !p.wildcard() ? p.traddr() : null;
    }

    private static String or(String a, String b) {
        return a != null ? a : b != null ? b : "";
    }

    private static int family(String adrfam) {
        return "ipv6".equals(adrfam) ? 2 : 1;
    }

    @Override
    public int maxIoQueues() {
        return 0;
    }
}
