package io.nvmegate.catalog;


import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The catalog as the management API reads and writes it: the cluster's {@link Catalog} (Hazelcast maps), or the
 * control plane's in-memory draft that a restore fills through the same create operations (and so the same
 * checks) as the API's create endpoints before anything reaches the cluster. Lists are ordered as the cluster
 * catalog orders them (NQN, subsystem then NSID, ID).
 */
public interface CatalogState {
    /** Runs {@code body} so that no other writer interleaves (the cluster-wide catalog lock for the live catalog). */
    <T> T locked(Supplier<T> body);

    GlobalSpec global();

    void putGlobal(GlobalSpec g);

    List<SubsystemSpec> subsystems();

    Optional<SubsystemSpec> subsystem(String nqn);

    void putSubsystem(SubsystemSpec s);

    void removeSubsystem(String nqn);

    List<NamespaceSpec> namespaces();

    default List<NamespaceSpec> namespaces(String nqn) {
        return namespaces().stream().filter(n -> n.subsystemNqn().equals(nqn)).toList();
    }

    Optional<NamespaceSpec> namespace(String nqn, int nsid);

    void putNamespace(NamespaceSpec n);

    void removeNamespace(String nqn, int nsid);

    List<PortSpec> ports();

    Optional<PortSpec> port(int id);

    void putPort(PortSpec p);

    void removePort(int id);

    List<HostSpec> hosts();

    Optional<HostSpec> host(String nqn);

    void putHost(HostSpec h);

    void removeHost(String nqn);

    List<ReferralSpec> referrals();

    Optional<ReferralSpec> referral(int id);

    void putReferral(ReferralSpec r);

    void removeReferral(int id);

    /** Removes every entry (global settings included). */
    void clear();
}
