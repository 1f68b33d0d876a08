package io.nvmegate.gateway.ana;

import io.nvmegate.catalog.NamespaceSpec;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Asymmetric Namespace Access log page (LID 0Ch, NVMe Base 2.0 section 5.16.1.13). Header: CHGCNT le64 @0, NGRPS
 * le16 @8, 16 bytes. One 32-byte descriptor per ANA group holding an active namespace of the subsystem, by
 * ascending ANAGRPID: ANAGRPID le32 @0, NNSIDS le32 @4, CHGCNT le64 @8, ANA state u8 @16 (1 optimized), then
 * NNSIDS NSIDs (le32, ascending). With LSP bit 0 (RGO, "return groups only") NNSIDS is 0 and no NSIDs follow.
 *
 * <p>Every gateway serves every namespace, so every group is reported ANA optimized on every controller (the
 * host keeps all paths). The change count is the catalog generation, which moves whenever a namespace (or its
 * group) changes. The page's size, at most 16 + NANAGRPID × 32 + MNAN × 4 bytes, is far below MDTS, as the
 * Linux host requires ({@code nvme_mpath_init_identify}).
 */
public final class AnaLog {
    private AnaLog() {}

    public static final int STATE_OPTIMIZED = 1;

    public static Buffer page(List<NamespaceSpec> namespaces, long changeCount, boolean groupsOnly) {
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (NamespaceSpec ns : namespaces) {
            if (!ns.enabled()) continue;
            groups.computeIfAbsent(ns.anaGroup(), g -> new ArrayList<>()).add(ns.nsid());
        }
        Buffer b = Buffer.buffer();
        b.appendLongLE(changeCount).appendShortLE((short) groups.size()).appendBytes(new byte[6]);
        for (Map.Entry<Integer, List<Integer>> g : groups.entrySet()) {
            List<Integer> nsids = g.getValue();
            nsids.sort(Integer::compareUnsigned);
            b.appendIntLE(g.getKey()).appendIntLE(groupsOnly ? 0 : nsids.size()).appendLongLE(changeCount)
                    .appendByte((byte) STATE_OPTIMIZED).appendBytes(new byte[15]);
            if (!groupsOnly) for (int n : nsids) b.appendIntLE(n);
        }
        return b;
    }
}
