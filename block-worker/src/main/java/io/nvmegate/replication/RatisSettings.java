package io.nvmegate.replication;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Apache Ratis settings of a block worker's Raft server (issue 14 design, tuned by measurement later):
 * <ul>
 *   <li>election timeout 1..2 s (RPC timeout min/max), so a new leader is elected within ~2 s of a kill -9;</li>
 *   <li>leader lease on and read option LINEARIZABLE: READ/COMPARE/VERIFY see every committed write;</li>
 *   <li>Raft log fsynced before an entry counts toward the majority (Ratis's default: unsafe flush off), segments of
 *       {@value #SEGMENT_MIB} MiB, appender buffer {@value #APPENDER_MIB} MiB (the largest entry, see there);</li>
 *   <li>log purged only below what every follower has (purge-upto-snapshot-index false): a returning follower
 *       catches up from the log; snapshot auto-trigger every {@value #SNAPSHOT_ENTRIES} entries;</li>
 *   <li>retry cache (client ID, call ID) kept {@value #RETRY_CACHE_SECONDS} s: a resent request ID gets the first
 *       reply without a second log entry.</li>
 * </ul>
 */
final class RatisSettings {
    static final int SEGMENT_MIB = 8;
    /**
     * Appender buffer: the largest log entry Ratis can send a follower. A COMPARE_AND_WRITE carries twice the
     * transfer (the gateway's MDTS, 512 KiB by default) plus about 100 bytes of headers, so 4 MiB covers MDTS up to
     * 2 MiB. Ratis requires the gRPC message limit above it by at least 1 MiB, and the log's write buffer (allocated
     * per group) above it.
     */
    static final int APPENDER_MIB = 4;
    static final long SNAPSHOT_ENTRIES = 100_000;
    static final int RETRY_CACHE_SECONDS = 60;

    private RatisSettings() {}

    /** @return the properties of a server with storage {@code storageDir}, gRPC on {@code host:port} */
    static RaftProperties properties(Path storageDir, String host, int port) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setHost(p, host);
        GrpcConfigKeys.Server.setPort(p, port);
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf((APPENDER_MIB + 2) + "MB")); // > appender buffer + 1 MiB
        RaftServerConfigKeys.setStorageDir(p, List.of(storageDir.toFile().getAbsoluteFile()));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(5, TimeUnit.SECONDS));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(SEGMENT_MIB + "MB"));
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, false);
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(APPENDER_MIB + "MB"));
        // the log's write buffer must hold the largest entry the appender may send (Ratis checks it)
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf((APPENDER_MIB + 1) + "MB"));
        // Heap per group, bounded (a worker may run with a small heap, e.g. -Xmx256m in replication-it): the log
        // segments cached for the state machine updater and catching-up followers (Ratis default 6 segments, 200 MB:
        // a restarted replica replaying its log ran out of a 256 MB heap and its updater thread died), the queue of
        // entries waiting to be written, and the bytes of requests pending on the leader (beyond it the leader
        // refuses, ResourceUnavailable, which the gateway waits out like a failover).
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf((2 * SEGMENT_MIB) + "MB"));
        RaftServerConfigKeys.Log.setQueueByteLimit(p, SizeInBytes.valueOf("16MB"));
        RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf("32MB"));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, SNAPSHOT_ENTRIES);
        RaftServerConfigKeys.RetryCache.setExpiryTime(p, TimeDuration.valueOf(RETRY_CACHE_SECONDS, TimeUnit.SECONDS));
        return p;
    }
}
