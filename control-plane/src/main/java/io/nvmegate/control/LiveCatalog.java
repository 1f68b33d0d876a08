package io.nvmegate.control;

import io.nvmegate.catalog.Catalog;
import io.nvmegate.catalog.GlobalSpec;
import io.nvmegate.catalog.HostSpec;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.ReferralSpec;
import io.nvmegate.catalog.SubsystemSpec;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The cluster {@link Catalog} (Hazelcast maps) as a {@link CatalogState}: every call goes to the cluster. */
record LiveCatalog(Catalog catalog) implements CatalogState {
    @Override public <T> T locked(Supplier<T> body) { return catalog.locked(body); }
    @Override public GlobalSpec global() { return catalog.global(); }
    @Override public void putGlobal(GlobalSpec g) { catalog.putGlobal(g); }
    @Override public List<SubsystemSpec> subsystems() { return catalog.subsystems(); }
    @Override public Optional<SubsystemSpec> subsystem(String nqn) { return catalog.subsystem(nqn); }
    @Override public void putSubsystem(SubsystemSpec s) { catalog.putSubsystem(s); }
    @Override public void removeSubsystem(String nqn) { catalog.removeSubsystem(nqn); }
    @Override public List<NamespaceSpec> namespaces() { return catalog.namespaces(); }
    @Override public List<NamespaceSpec> namespaces(String nqn) { return catalog.namespaces(nqn); }
    @Override public Optional<NamespaceSpec> namespace(String nqn, int nsid) { return catalog.namespace(nqn, nsid); }
    @Override public void putNamespace(NamespaceSpec n) { catalog.putNamespace(n); }
    @Override public void removeNamespace(String nqn, int nsid) { catalog.removeNamespace(nqn, nsid); }
    @Override public List<PortSpec> ports() { return catalog.ports(); }
    @Override public Optional<PortSpec> port(int id) { return catalog.port(id); }
    @Override public void putPort(PortSpec p) { catalog.putPort(p); }
    @Override public void removePort(int id) { catalog.removePort(id); }
    @Override public List<HostSpec> hosts() { return catalog.hosts(); }
    @Override public Optional<HostSpec> host(String nqn) { return catalog.host(nqn); }
    @Override public void putHost(HostSpec h) { catalog.putHost(h); }
    @Override public void removeHost(String nqn) { catalog.removeHost(nqn); }
    @Override public List<ReferralSpec> referrals() { return catalog.referrals(); }
    @Override public Optional<ReferralSpec> referral(int id) { return catalog.referral(id); }
    @Override public void putReferral(ReferralSpec r) { catalog.putReferral(r); }
    @Override public void removeReferral(int id) { catalog.removeReferral(id); }
    @Override public void clear() { catalog.clear(); }
}
