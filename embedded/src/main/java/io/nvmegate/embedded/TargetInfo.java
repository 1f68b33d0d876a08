package io.nvmegate.embedded;

import java.util.List;

/**
 * Where a running target can be reached: what a test needs to connect its host software. Injected by
 * {@link NvmegateExtension} into test methods, or returned by {@link NvmegateTarget#info()} and
 * {@link NvmegateProcess#info()}.
 *
 * @param host          address to connect to ({@code 127.0.0.1} for a wildcard listener)
 * @param ports         bound NVMe/TCP I/O ports, one per listener, in listener order (never 0)
 * @param discoveryPort bound port of the discovery service, or 0 when the target has none (every I/O port also
 *                      answers the well-known discovery NQN {@code nqn.2014-08.org.nvmexpress.discovery})
 * @param subsystems    the subsystems, in the order configured
 * @param namespaces    the namespaces, in the order configured
 */
public record TargetInfo(String host, List<Integer> ports, int discoveryPort, List<SubsystemConfig> subsystems,
                         List<NamespaceConfig> namespaces) {
    public TargetInfo {
        ports = List.copyOf(ports);
        subsystems = List.copyOf(subsystems);
        namespaces = List.copyOf(namespaces);
    }

    /** @return the first listener's port */
    public int port() { return ports.get(0); }

    /** @return the first subsystem's NQN */
    public String nqn() { return subsystems.get(0).nqn(); }

    /** @return the NQNs of every subsystem */
    public List<String> nqns() { return subsystems.stream().map(SubsystemConfig::nqn).toList(); }

    /** @return {@code host:port} of the first listener */
    public String address() { return host + ":" + port(); }
}
