package io.nvmegate.gateway.ana;

import io.nvmegate.ana.AnaOwner;
import io.nvmegate.ana.AnaState;
import io.nvmegate.catalog.NamespaceSpec;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Asymmetric Namespace Access log page (LID 0Ch, NVMe Base 2.0 section 5.16.1.13). Header: CHGCNT le64 @0, NGRPS
 * le16 @8, 16 bytes. One 32-byte descriptor per ANA group holding an enabled namespace of the subsystem, by
 * ascending ANAGRPID: ANAGRPID le32 @0, NNSIDS le32 @4, CHGCNT le64 @8 (the gateway change count when that
 * descriptor last changed), ANA state u8 @16 bits 3:0 (01h optimized, 02h non-optimized, 03h inaccessible, 0Fh
 * change: {@link AnaState#code}), then NNSIDS NSIDs (le32, ascending). With LSP bit 0 (RGO, "return groups only")
 * NNSIDS is 0 and no NSIDs follow.
 *
 * <p>The states and change counts are this gateway's ({@link AnaStates}): the header CHGCNT moves on every change
 * of a group's state or NSIDs. The page's size, at most 16 + NANAGRPID × 32 + MNAN × 4 bytes, is far below MDTS,
 * as the Linux host requires ({@code nvme_mpath_init_identify}).
 */
public final class AnaLog {
    private AnaLog() {}

    /**
     * @param namespaces the subsystem's namespaces (catalog snapshot)
     * @param view       this gateway's ANA states ({@link AnaStates#view()}); groups it does not hold yet get
     *                   {@code fallback}'s state and the view's change count
     * @param fallback   the state of a group not in {@code view}
     * @param groupsOnly RGO
     */
    public static Buffer page(List<NamespaceSpec> namespaces, AnaStates.View view, IntFunction<AnaState> fallback, boolean groupsOnly) {
        Map<Integer, List<Integer>> groups = new TreeMap<>(Integer::compareUnsigned);
        String nqn = null;
        for (NamespaceSpec ns : namespaces) {
            if (!ns.enabled()) continue;
            nqn = ns.subsystemNqn();
            groups.computeIfAbsent(ns.anaGroup(), g -> new ArrayList<>()).add(ns.nsid());
        }
        long changeCount = view.changeCount();
        Buffer b = Buffer.buffer();
        b.appendLongLE(changeCount).appendShortLE((short) groups.size()).appendBytes(new byte[6]);
        for (Map.Entry<Integer, List<Integer>> g : groups.entrySet()) {
            List<Integer> nsids = g.getValue();
            nsids.sort(Integer::compareUnsigned);
            AnaStates.Group known = view.groups().get(AnaOwner.key(nqn, g.getKey()));
            AnaState state = known != null ? known.state() : fallback.apply(g.getKey());
            long groupCount = known != null ? known.changeCount() : changeCount;
            b.appendIntLE(g.getKey()).appendIntLE(groupsOnly ? 0 : nsids.size()).appendLongLE(groupCount)
                    .appendByte((byte) state.code).appendBytes(new byte[15]);
            if (!groupsOnly) for (int n : nsids) b.appendIntLE(n);
        }
        return b;
    }
}
