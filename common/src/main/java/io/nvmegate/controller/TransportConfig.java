package io.nvmegate.controller;

/**
 * NVMe/TCP transport limits of a port.
 *
 * @param maxH2CData        MAXH2CDATA advertised in ICResp: most data bytes in one H2CData PDU (≥ 4096, %4 == 0)
 * @param inCapsuleDataSize in-capsule data accepted on I/O queues, bytes (IOCCSZ = (64 + this) / 16); the admin
 *                          queue always accepts 8192 bytes, as the Linux host assumes (NVME_TCP_ADMIN_CCSZ)
 * @param mdtsBytes         maximum data transfer size, bytes, a power of two ≥ 4096 (MDTS = log2(this / 4096))
 * @param maxQueueSize      most entries per queue (CAP.MQES + 1)
 * @param c2hChunk          most data bytes per C2HData PDU sent (reads are split, DATAO cumulative)
 * @param maxIoQueues       most I/O queues per controller (Number of Queues feature)
 * @param maxAdminQueueSize most entries of the admin queue (a larger admin SQSIZE in Connect → Connect Invalid
 *                          Parameters, IPO 44); at most {@code maxQueueSize}
 * @param maxControllersPerSubsystem most live controllers of one subsystem through this port's registry (an
 *                          admin Connect beyond it → Connect Controller Busy, as when the CNTLID range is exhausted)
 * @param maxConnections    most open TCP connections of the listener; one more is closed at accept
 *                          ({@code nvmegate_connections_refused_total{role}})
 */
public record TransportConfig(int maxH2CData, int inCapsuleDataSize, int mdtsBytes, int maxQueueSize, int c2hChunk,
                              int maxIoQueues, int maxAdminQueueSize, int maxControllersPerSubsystem, int maxConnections) {
    public static final int ADMIN_IN_CAPSULE = 8192;
    /** Default {@link #maxControllersPerSubsystem()}. */
    public static final int DEFAULT_MAX_CONTROLLERS_PER_SUBSYSTEM = 1024;
    /** Default {@link #maxConnections()}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /** Limits with the default controller and connection limits. */
    public TransportConfig(int maxH2CData, int inCapsuleDataSize, int mdtsBytes, int maxQueueSize, int c2hChunk,
                           int maxIoQueues, int maxAdminQueueSize) {
        this(maxH2CData, inCapsuleDataSize, mdtsBytes, maxQueueSize, c2hChunk, maxIoQueues, maxAdminQueueSize,
                DEFAULT_MAX_CONTROLLERS_PER_SUBSYSTEM, DEFAULT_MAX_CONNECTIONS);
    }

    /** These limits with {@code maxControllersPerSubsystem} and {@code maxConnections} instead. */
    public TransportConfig withConnectionLimits(int maxControllersPerSubsystem, int maxConnections) {
        return new TransportConfig(maxH2CData, inCapsuleDataSize, mdtsBytes, maxQueueSize, c2hChunk, maxIoQueues,
                maxAdminQueueSize, maxControllersPerSubsystem, maxConnections);
    }

    /** Limits whose admin queue may be as large as the I/O queues. */
    public TransportConfig(int maxH2CData, int inCapsuleDataSize, int mdtsBytes, int maxQueueSize, int c2hChunk, int maxIoQueues) {
        this(maxH2CData, inCapsuleDataSize, mdtsBytes, maxQueueSize, c2hChunk, maxIoQueues, maxQueueSize);
    }

    /** @return the most entries allowed on queue {@code qid} (0 = admin). */
    public int maxQueueSize(int qid) {
        return qid == 0 ? Math.min(maxAdminQueueSize, maxQueueSize) : maxQueueSize;
    }

    public static TransportConfig defaults() {
        return new TransportConfig(128 * 1024, 8192, 512 * 1024, 128, 128 * 1024, 8);
    }

    /** MDTS field of Identify Controller: log2 of the transfer size in 4 KiB units (CAP.MPSMIN = 4 KiB). */
    public int mdts() {
        return Integer.numberOfTrailingZeros(mdtsBytes / 4096);
    }

    /** IOCCSZ of Identify Controller, in 16-byte units. */
    public int ioccsz() {
        return (64 + inCapsuleDataSize) / 16;
    }

    /** Largest PDU accepted, bytes. */
    public int maxPduLength() {
        return Math.max(maxH2CData, Math.max(inCapsuleDataSize, ADMIN_IN_CAPSULE)) + 128;
    }
}
