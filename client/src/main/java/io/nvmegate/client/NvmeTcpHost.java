package io.nvmegate.client;

import io.nvmegate.protocol.Opcodes;

/**
 * Entry point of the NVMe/TCP host (initiator) library.
 *
 * <pre>{@code
 * ConnectOptions o = ConnectOptions.builder("127.0.0.1", 4420).subsystemNqn("nqn.2024-01.io.nvmegate:disk1").build();
 * try (NvmeController ctrl = NvmeTcpHost.connect(o)) {
 *     IdentifyNamespace ns = ctrl.identifyNamespace(1);
 *     byte[] block = ctrl.read(1, 0, 1, ns.blockSize());
 * }
 * DiscoveryLog log = NvmeTcpHost.discover("127.0.0.1", 8009);
 * }</pre>
 */
public final class NvmeTcpHost {
    private NvmeTcpHost() {}

    /**
     * Connects to a controller: admin queue (ICReq/ICResp, Fabrics Connect with CNTLID 0xFFFF, Property Get CAP
     * and VS, Property Set CC.EN=1, wait for CSTS.RDY within CAP.TO, Identify Controller, Set Features Number of
     * Queues), then one TCP connection and Connect per I/O queue; starts Keep Alive every KATO/2 if KATO &gt; 0.
     *
     * @param options must name the subsystem ({@link ConnectOptions#subsystemNqn()})
     * @throws NvmeStatusException    if Connect (or another setup command) is rejected; the message decodes the status
     *                                and, for Invalid Parameters / Invalid Host, the offending field
     * @throws NvmeTransportException if a connection cannot be opened or the controller breaks the protocol
     * @throws NvmeTimeoutException   if the controller does not answer in {@link ConnectOptions#connectTimeoutMs()}
     */
    public static NvmeController connect(ConnectOptions options) {
        return NvmeController.connect(options);
    }

    /**
     * Reads the discovery log of a discovery controller: connects an admin queue only (no I/O queues, KATO 0) to
     * {@code options.subsystemNqn()}, or to the well-known discovery NQN if it is unset, reads the log with
     * {@link NvmeController#discoveryLog()} and disconnects.
     */
    public static DiscoveryLog discover(ConnectOptions options) {
        ConnectOptions.Builder b = options.toBuilder().ioQueues(0).keepAliveTimeoutMs(0);
        if (options.subsystemNqn() == null) b.subsystemNqn(Opcodes.DISCOVERY_NQN);
        try (NvmeController c = NvmeController.connect(b.build())) {
            return c.discoveryLog();
        }
    }

    /** {@link #discover(ConnectOptions)} with default options against the well-known discovery NQN. */
    public static DiscoveryLog discover(String address, int port) {
        return discover(ConnectOptions.builder(address, port).build());
    }
}
