package io.nvmegate.gateway.ana;

import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.catalog.NamespaceSpec;

import java.nio.ByteBuffer;

/**
 * The Asymmetric Namespace Access fields of the Identify data (NVMe Base 2.0 section 8.1; Figure 275 and NVM Command
 * Set Figure 97): Identify Controller CMIC bit 3 (ANA reporting), OAES bit 11 (ANA Change Notices), ANATT
 * {@value #ANA_TRANSITION_TIME} s (a hand-off's change state lasts at most {@code AnaOwner.HANDOFF_TIMEOUT_MS}),
 * ANACAP @343 {@value #ANACAP} (Figure 275: bits 0, 1, 2, 4: the optimized, non-optimized, inaccessible and change
 * states are reported, bit 3 persistent loss never is; bit 6 clear: the catalog may move an attached namespace to
 * another group, reported by an ANA change notice; bit 7: ANAGRPIDs are non-zero), ANAGRPMAX = NANAGRPID =
 * {@link NamespaceSpec#MAX_ANA_GROUP}; Identify Namespace ANAGRPID le32 @92 (the namespace's group, listed in the
 * ANA log page, {@link AnaLog}). The ANA log page (16 + 128 × 32 + 1024 × 4 = 8208 bytes) fits in MDTS.
 */
public final class AnaIdentify {
    private AnaIdentify() {}

    /** ANATT: seconds a host waits for an ANA transition. */
    public static final int ANA_TRANSITION_TIME = 10;
    /** Identify Namespace ANAGRPID offset. */
    public static final int OFF_ANAGRPID = 92;
    /** ANACAP (Figure 275): bits 0 optimized, 1 non-optimized, 2 inaccessible, 4 change, 7 non-zero ANAGRPID. */
    public static final int ANACAP = 1 | 1 << 1 | 1 << 2 | 1 << 4 | 1 << 7;

    public static void controller(IdentifyControllerData id) {
        id.cmic |= 1 << 3;
        id.oaes |= AnaNotices.AEC_ANA_CHANGE;
        id.anatt = ANA_TRANSITION_TIME;
        id.anacap = ANACAP;
        id.anagrpmax = NamespaceSpec.MAX_ANA_GROUP;
        id.nanagrpid = NamespaceSpec.MAX_ANA_GROUP;
    }

    /** Writes ANAGRPID into an Identify Namespace structure. */
    public static void namespace(ByteBuffer identifyNamespace, NamespaceSpec ns) {
        identifyNamespace.putInt(OFF_ANAGRPID, ns.anaGroup());
    }
}
