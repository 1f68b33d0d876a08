package io.nvmegate.embedded;

import io.nvmegate.controller.TransportConfig;

/**
 * NVMe/TCP transport options of an embedded target (the same for every listener), named after SPDK's
 * {@code nvmf_create_transport -t TCP} options. Immutable; start from {@link #defaults()} and change fields
 * with the {@code with*} methods, e.g. {@code TcpTransportOptions.defaults().withMaxQueueDepth(32)}.
 *
 * @param maxQueueDepth              most entries of an I/O queue (Identify CAP.MQES + 1; a Connect with a larger
 *                                   SQSIZE + 1 fails with Connect Invalid Parameters, IATTR 0, IPO 44). 2..65536,
 *                                   default 128
 * @param maxAdminQueueDepth         most entries of the admin queue. 2..{@code maxQueueDepth}, default 32 (the
 *                                   Linux host's NVME_AQ_DEPTH); an admin Connect with a larger SQSIZE + 1 fails
 *                                   with Connect Invalid Parameters, IATTR 0, IPO 44
 * @param maxIoSize                  maximum data transfer size in bytes (Identify Controller MDTS =
 *                                   log2(maxIoSize / 4096)); a larger command fails with Invalid Field in Command.
 *                                   A power of two ≥ 4096, default 512 KiB
 * @param ioUnitSize                 most data bytes in one data PDU, both directions: MAXH2CDATA in ICResp
 *                                   (NVMe/TCP 1.0 section 3.6.2.3) and the size reads are split into C2HData PDUs
 *                                   with. ≥ 4096 and a multiple of 4, default 128 KiB
 * @param inCapsuleDataSize          in-capsule data accepted on I/O queues, bytes (IOCCSZ = (64 + this) / 16);
 *                                   the admin queue always accepts 8192. A multiple of 16, 0..1 MiB, default 8192
 * @param maxQueuePairsPerController most queue pairs of one controller <i>including the admin queue</i> (as in
 *                                   SPDK), so {@code maxQueuePairsPerController - 1} I/O queues (Number of Queues
 *                                   feature). 2..65535, default 9
 */
public record TcpTransportOptions(int maxQueueDepth, int maxAdminQueueDepth, int maxIoSize, int ioUnitSize,
                                  int inCapsuleDataSize, int maxQueuePairsPerController) {

    /** @throws IllegalArgumentException naming the first bad field */
    public TcpTransportOptions {
        check(maxQueueDepth >= 2 && maxQueueDepth <= 65536, "maxQueueDepth must be 2..65536, got " + maxQueueDepth);
        check(maxAdminQueueDepth >= 2 && maxAdminQueueDepth <= maxQueueDepth,
                "maxAdminQueueDepth must be 2..maxQueueDepth (" + maxQueueDepth + "), got " + maxAdminQueueDepth);
        check(maxIoSize >= 4096 && Integer.bitCount(maxIoSize) == 1, "maxIoSize must be a power of two >= 4096, got " + maxIoSize);
        check(ioUnitSize >= 4096 && ioUnitSize % 4 == 0, "ioUnitSize must be >= 4096 and a multiple of 4, got " + ioUnitSize);
        check(inCapsuleDataSize >= 0 && inCapsuleDataSize <= (1 << 20) && inCapsuleDataSize % 16 == 0,
                "inCapsuleDataSize must be a multiple of 16 in 0..1048576, got " + inCapsuleDataSize);
        check(maxQueuePairsPerController >= 2 && maxQueuePairsPerController <= 65535,
                "maxQueuePairsPerController must be 2..65535 (admin queue included), got " + maxQueuePairsPerController);
    }

    /** The defaults of a standalone nvmegate ({@link TransportConfig#defaults()}), admin queue depth 32. */
    public static TcpTransportOptions defaults() {
        return from(TransportConfig.defaults());
    }

    /** @return the options equivalent to {@code c} (admin queue depth 32, or {@code c.maxQueueSize()} if smaller) */
    public static TcpTransportOptions from(TransportConfig c) {
        return new TcpTransportOptions(c.maxQueueSize(), Math.min(32, c.maxQueueSize()), c.mdtsBytes(), c.maxH2CData(),
                c.inCapsuleDataSize(), c.maxIoQueues() + 1);
    }

    /** @return the gateway/discovery transport limits these options stand for */
    public TransportConfig toTransportConfig() {
        return new TransportConfig(ioUnitSize, inCapsuleDataSize, maxIoSize, maxQueueDepth, ioUnitSize,
                maxQueuePairsPerController - 1, maxAdminQueueDepth);
    }

    public TcpTransportOptions withMaxQueueDepth(int v) {
        return new TcpTransportOptions(v, Math.min(maxAdminQueueDepth, v), maxIoSize, ioUnitSize, inCapsuleDataSize, maxQueuePairsPerController);
    }

    public TcpTransportOptions withMaxAdminQueueDepth(int v) {
        return new TcpTransportOptions(maxQueueDepth, v, maxIoSize, ioUnitSize, inCapsuleDataSize, maxQueuePairsPerController);
    }

    public TcpTransportOptions withMaxIoSize(int v) {
        return new TcpTransportOptions(maxQueueDepth, maxAdminQueueDepth, v, ioUnitSize, inCapsuleDataSize, maxQueuePairsPerController);
    }

    public TcpTransportOptions withIoUnitSize(int v) {
        return new TcpTransportOptions(maxQueueDepth, maxAdminQueueDepth, maxIoSize, v, inCapsuleDataSize, maxQueuePairsPerController);
    }

    public TcpTransportOptions withInCapsuleDataSize(int v) {
        return new TcpTransportOptions(maxQueueDepth, maxAdminQueueDepth, maxIoSize, ioUnitSize, v, maxQueuePairsPerController);
    }

    public TcpTransportOptions withMaxQueuePairsPerController(int v) {
        return new TcpTransportOptions(maxQueueDepth, maxAdminQueueDepth, maxIoSize, ioUnitSize, inCapsuleDataSize, v);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
