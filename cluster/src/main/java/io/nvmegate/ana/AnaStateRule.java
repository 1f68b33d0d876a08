package io.nvmegate.ana;

/**
 * The ANA state of one group on one gateway (the rule every gateway applies to its own controllers, and the
 * management API to show every gateway's view). In order:
 * <ol>
 *   <li>the gateway's lease is not valid → {@link AnaState#INACCESSIBLE}</li>
 *   <li>the group's storage cannot serve (a namespace of the group has no Raft leader, or its RF 1 worker is not a
 *       cluster member) → {@link AnaState#INACCESSIBLE}</li>
 *   <li>global setting {@code ana} false (symmetric: every path equal) → {@link AnaState#OPTIMIZED}</li>
 *   <li>no owner entry yet (a balancer has not run) → {@link AnaState#OPTIMIZED}</li>
 *   <li>OWNED by this gateway → OPTIMIZED; RELEASING with this gateway as next → {@link AnaState#CHANGE};
 *       otherwise (others, and the releasing owner) → {@link AnaState#NON_OPTIMIZED}</li>
 * </ol>
 */
public final class AnaStateRule {
    private AnaStateRule() {}

    /**
     * @param gatewayId  the gateway whose view this is
     * @param owner      the group's entry of map {@value AnaOwner#MAP}, or null
     * @param leaseValid whether that gateway's lease is valid
     * @param storageUp  whether every namespace of the group can serve
     * @param anaEnabled the catalog's global {@code ana} setting
     */
    public static AnaState state(String gatewayId, AnaOwner owner, boolean leaseValid, boolean storageUp, boolean anaEnabled) {
        if (!leaseValid || !storageUp) return AnaState.INACCESSIBLE;
        if (!anaEnabled || owner == null) return AnaState.OPTIMIZED;
        if (owner.phase() == AnaOwner.Phase.OWNED) {
            return gatewayId.equals(owner.owner()) ? AnaState.OPTIMIZED : AnaState.NON_OPTIMIZED;
        }
        return gatewayId.equals(owner.next()) ? AnaState.CHANGE : AnaState.NON_OPTIMIZED;
    }
}
