package io.nvmegate.ana;

import java.util.List;

/**
 * A gateway's view of map {@value AnaOwner#MAP}: the owner entry of each ANA group. The Hazelcast implementation
 * keeps a local copy fed by an entry listener, so {@link #get} is a local read (it is consulted per ANA log page
 * and per state recomputation, not per command).
 */
public interface AnaOwners {
    /** @return the entry of group {@code anaGroup} of {@code subsystemNqn}, or null if none was written yet */
    AnaOwner get(String subsystemNqn, int anaGroup);

    /** @return every entry in this view */
    List<AnaOwner> all();

    /** Registers {@code r} to run (on any thread) after any entry of this view changed. */
    void onChange(Runnable r);

    /**
     * @return whether this view may be trusted as the cluster's map: false from a split-brain merge of this member
     *         (Hazelcast {@code MERGING}: until then it saw only its own half, whose owner entries the merge discards)
     *         until a complete reload of the map that started after the merge ended ({@code MERGED}); a gateway reports its groups inaccessible
     *         meanwhile ({@code AnaStates}), so it never claims optimized from an owner entry of before the split.
     *         Registered {@link #onChange} callbacks run when it turns false and when it turns true again
     */
    default boolean current() { return true; }

    /** An empty view that never changes: outside a cluster every gateway reports every group optimized. */
    static AnaOwners none() {
        return new AnaOwners() {
            @Override public AnaOwner get(String subsystemNqn, int anaGroup) { return null; }
            @Override public List<AnaOwner> all() { return List.of(); }
            @Override public void onChange(Runnable r) {}
        };
    }
}
