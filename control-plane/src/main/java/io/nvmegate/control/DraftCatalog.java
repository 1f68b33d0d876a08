package io.nvmegate.control;

import io.nvmegate.catalog.CatalogState;
import io.nvmegate.catalog.GlobalSpec;
import io.nvmegate.catalog.HostSpec;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.ReferralSpec;
import io.nvmegate.catalog.SubsystemSpec;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A catalog in memory, starting empty with default global settings: what {@code PUT /api/v1/config} builds
 * through the create operations before it {@link #copyTo replaces} the cluster catalog. Single-threaded.
 */
final class DraftCatalog implements CatalogState {
    private GlobalSpec global = GlobalSpec.defaults();
    private final Map<String, SubsystemSpec> subsystems = new TreeMap<>();
    private final Map<String, NamespaceSpec> namespaces = new TreeMap<>();
    private final Map<Integer, PortSpec> ports = new TreeMap<>();
    private final Map<String, HostSpec> hosts = new TreeMap<>();
    private final Map<Integer, ReferralSpec> referrals = new TreeMap<>();

    /** Writes every entry into {@code target} (global, hosts, subsystems, namespaces, ports, referrals). */
    void copyTo(CatalogState target) {
        target.putGlobal(global);
        hosts.values().forEach(target::putHost);
        subsystems.values().forEach(target::putSubsystem);
        namespaces.values().forEach(target::putNamespace);
        ports.values().forEach(target::putPort);
        referrals.values().forEach(target::putReferral);
    }

    @Override public <T> T locked(Supplier<T> body) { return body.get(); }
    @Override public GlobalSpec global() { return global; }
    @Override public void putGlobal(GlobalSpec g) { global = g; }
    @Override public List<SubsystemSpec> subsystems() { return List.copyOf(subsystems.values()); }
    @Override public Optional<SubsystemSpec> subsystem(String nqn) { return Optional.ofNullable(subsystems.get(nqn)); }
    @Override public void putSubsystem(SubsystemSpec s) { subsystems.put(s.nqn(), s); }
    @Override public void removeSubsystem(String nqn) { subsystems.remove(nqn); }

    @Override
    public List<NamespaceSpec> namespaces() {
        return namespaces.values().stream().sorted(Comparator.comparing(NamespaceSpec::subsystemNqn)
                .thenComparing(n -> Integer.toUnsignedLong(n.nsid()))).toList();
    }

    @Override public Optional<NamespaceSpec> namespace(String nqn, int nsid) { return Optional.ofNullable(namespaces.get(NamespaceSpec.key(nqn, nsid))); }
    @Override public void putNamespace(NamespaceSpec n) { namespaces.put(n.key(), n); }
    @Override public void removeNamespace(String nqn, int nsid) { namespaces.remove(NamespaceSpec.key(nqn, nsid)); }
    @Override public List<PortSpec> ports() { return List.copyOf(ports.values()); }
    @Override public Optional<PortSpec> port(int id) { return Optional.ofNullable(ports.get(id)); }
    @Override public void putPort(PortSpec p) { ports.put(p.id(), p); }
    @Override public void removePort(int id) { ports.remove(id); }
    @Override public List<HostSpec> hosts() { return List.copyOf(hosts.values()); }
    @Override public Optional<HostSpec> host(String nqn) { return Optional.ofNullable(hosts.get(nqn)); }
    @Override public void putHost(HostSpec h) { hosts.put(h.nqn(), h); }
    @Override public void removeHost(String nqn) { hosts.remove(nqn); }
    @Override public List<ReferralSpec> referrals() { return List.copyOf(referrals.values()); }
    @Override public Optional<ReferralSpec> referral(int id) { return Optional.ofNullable(referrals.get(id)); }
    @Override public void putReferral(ReferralSpec r) { referrals.put(r.id(), r); }
    @Override public void removeReferral(int id) { referrals.remove(id); }

    @Override
    public void clear() {
        global = GlobalSpec.defaults();
        subsystems.clear();
        namespaces.clear();
        ports.clear();
        hosts.clear();
        referrals.clear();
    }
}
