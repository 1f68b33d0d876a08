package io.nvmegate.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Cluster-wide CNTLID ranges of the gateways (NVMe Base 2.0 section 3.1.2: a CNTLID is unique in its NVM
 * subsystem; the Linux host rejects a duplicate, {@code nvme_validate_cntlid}, and Reservation Reports name
 * controllers by CNTLID). CNTLIDs 0001h..7FFFh are cut into {@value #RANGES} ranges of {@value #RANGE_SIZE}
 * (the last one 1023); each gateway claims one in the Hazelcast map {@value #MAP} (range index → gateway ID,
 * {@code putIfAbsent}, so two gateways never hold the same range), and keeps it when it restarts with the same
 * ID. 8000h..FFEFh are cut the same way for the discovery services ({@link #claimDiscovery}): with a unique
 * discovery NQN the Linux host groups the discovery controllers of several instances into one subsystem and
 * rejects a duplicate CNTLID there too.
 */
public final class CntlidRanges {
    private CntlidRanges() {}

    public static final String MAP = "nvmegate.cntlid-ranges";
    public static final int RANGE_SIZE = 1024;
    public static final int RANGES = 32;

    /**
     * Blocking (Hazelcast calls): the range of gateway {@code gatewayId}, claimed if it has none.
     *
     * @return {first, last} CNTLID
     * @throws IllegalStateException if all {@value #RANGES} ranges belong to other gateways
     */
    public static int[] claim(HazelcastInstance hz, String gatewayId) {
        Map<Integer, String> m = hz.getMap(MAP);
        for (int i = 0; i < RANGES; i++) {
            if (gatewayId.equals(m.get(i))) return range(i);
        }
        for (int i = 0; i < RANGES; i++) {
            String owner = m.putIfAbsent(i, gatewayId);
            if (owner == null || owner.equals(gatewayId)) return range(i);
        }
        throw new IllegalStateException("no free CNTLID range for gateway " + gatewayId + ": " + RANGES + " gateways already hold one");
    }

    /** Discovery ranges: map {@value #DISCOVERY_MAP}, 8000h + i × {@value #RANGE_SIZE} (the last one ends at FFEFh). */
    public static final String DISCOVERY_MAP = "nvmegate.cntlid-ranges.discovery";
    public static final int DISCOVERY_RANGES = 32;

    /**
     * Blocking (Hazelcast calls): a discovery-controller CNTLID range for this cluster member, keyed by its member
     * UUID. A discovery service has no stable identity of its own and its controllers do not outlive it, so a range
     * whose owner is no longer a cluster member is taken over (a restarted or killed instance leaks nothing).
     *
     * @return {first, last} CNTLID, within 8000h..FFEFh
     * @throws IllegalStateException if {@value #DISCOVERY_RANGES} live members already hold one each
     */
    public static int[] claimDiscovery(HazelcastInstance hz) {
        IMap<Integer, String> m = hz.getMap(DISCOVERY_MAP);
        String self = hz.getCluster().getLocalMember().getUuid().toString();
        Set<String> live = new HashSet<>();
        hz.getCluster().getMembers().forEach(member -> live.add(member.getUuid().toString()));
        for (int i = 0; i < DISCOVERY_RANGES; i++) {
            if (self.equals(m.get(i))) return discoveryRange(i);
        }
        for (int i = 0; i < DISCOVERY_RANGES; i++) {
            String owner = m.putIfAbsent(i, self);
            if (owner == null || owner.equals(self)) return discoveryRange(i);
            if (!live.contains(owner) && m.replace(i, owner, self)) return discoveryRange(i);
        }
        throw new IllegalStateException("no free discovery CNTLID range: " + DISCOVERY_RANGES + " discovery services already hold one");
    }

    /** @return {first, last} CNTLID of discovery range {@code i} */
    public static int[] discoveryRange(int i) {
        return new int[] {0x8000 + i * RANGE_SIZE, Math.min(0xFFEF, 0x8000 + (i + 1) * RANGE_SIZE - 1)};
    }

    /** @return {first, last} CNTLID of range {@code i} */
    public static int[] range(int i) {
        return new int[] {1 + i * RANGE_SIZE, Math.min(0x7FFF, (i + 1) * RANGE_SIZE)};
    }
}
