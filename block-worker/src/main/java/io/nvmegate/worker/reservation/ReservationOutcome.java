package io.nvmegate.worker.reservation;

import io.nvmegate.blockio.ReservationNotice;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What a reservation command did.
 *
 * @param status    NVMe status field ({@link io.nvmegate.protocol.Status}); 0 on success
 * @param data      controller-to-host data (Reservation Report), else null
 * @param notices   notifications to deliver (empty unless the state changed)
 * @param aborted   hosts whose commands a Preempt and Abort aborts (empty otherwise)
 * @param persist   the state changed in a way a persistent copy (PTPL) must follow
 */
public record ReservationOutcome(int status, byte[] data, List<ReservationNotice> notices, Set<UUID> aborted, boolean persist) {
    static ReservationOutcome failed(int status) {
        return new ReservationOutcome(status, null, List.of(), Set.of(), false);
    }

    static ReservationOutcome ok(List<ReservationNotice> notices, Set<UUID> aborted, boolean persist) {
        return new ReservationOutcome(0, null, List.copyOf(notices), Set.copyOf(aborted), persist);
    }

    public boolean succeeded() { return status == 0; }
}
