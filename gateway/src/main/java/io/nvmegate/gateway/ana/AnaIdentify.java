package io.nvmegate.gateway.ana;

import io.nvmegate.admin.IdentifyControllerData;
import io.nvmegate.catalog.NamespaceSpec;

import java.nio.ByteBuffer;

/**
 * The Asymmetric Namespace Access fields of the Identify data (NVMe Base 2.0 section 8.1; Figure 275 and NVM Command
 * Set Figure 97): Identify Controller CMIC bit 3 (ANA reporting), OAES bit 11 (ANA Change Notices), ANATT
 * {@value #ANA_TRANSITION_TIME} s, ANACAP bit 0 (only the optimized state is reported), ANAGRPMAX = NANAGRPID =
 * {@link NamespaceSpec#MAX_ANA_GROUP}; Identify Namespace ANAGRPID le32 @92 (the namespace's group, listed in the
 * ANA log page, {@link AnaLog}). The ANA log page (16 + 128 × 32 + 1024 × 4 = 8208 bytes) fits in MDTS.
 */
public final class AnaIdentify {
    private AnaIdentify() {}

    /** ANATT: seconds a host waits for an ANA transition. */
    public static final int ANA_TRANSITION_TIME = 10;
    /** Identify Namespace ANAGRPID offset. */
    public static final int OFF_ANAGRPID = 92;

    public static void controller(IdentifyControllerData id) {
        id.cmic |= 1 << 3;
        id.oaes |= AnaNotices.AEC_ANA_CHANGE;
        id.anatt = ANA_TRANSITION_TIME;
        id.anacap = 1;
        id.anagrpmax = NamespaceSpec.MAX_ANA_GROUP;
        id.nanagrpid = NamespaceSpec.MAX_ANA_GROUP;
    }

    /** Writes ANAGRPID into an Identify Namespace structure. */
    public static void namespace(ByteBuffer identifyNamespace, NamespaceSpec ns) {
        identifyNamespace.putInt(OFF_ANAGRPID, ns.anaGroup());
    }
}
