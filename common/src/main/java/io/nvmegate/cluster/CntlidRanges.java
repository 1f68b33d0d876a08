package io.nvmegate.cluster;

import com.hazelcast.core.HazelcastInstance;

import java.util.Map;

/**
 * Cluster-wide CNTLID ranges of the gateways (NVMe Base 2.0 section 3.1.2: a CNTLID is unique in its NVM
 * subsystem; the Linux host rejects a duplicate, {@code nvme_validate_cntlid}, and Reservation Reports name
 * controllers by CNTLID). CNTLIDs 0001h..7FFFh are cut into {@value #RANGES} ranges of {@value #RANGE_SIZE}
 * (the last one 1023); each gateway claims one in the Hazelcast map {@value #MAP} (range index → gateway ID,
 * {@code putIfAbsent}, so two gateways never hold the same range), and keeps it when it restarts with the same
 * ID. 8000h..FFEFh stay for discovery controllers (DiscoveryService).
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

    /** @return {first, last} CNTLID of range {@code i} */
    public static int[] range(int i) {
        return new int[] {1 + i * RANGE_SIZE, Math.min(0x7FFF, (i + 1) * RANGE_SIZE)};
    }
}
