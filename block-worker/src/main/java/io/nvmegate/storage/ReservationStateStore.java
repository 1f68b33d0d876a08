package io.nvmegate.storage;

import java.util.UUID;

/**
 * Where a namespace's reservation state is kept while Persist Through Power Loss is set (NVMe Base 2.0 section
 * 8.19.9). The state is opaque bytes here (its layout belongs to the reservation engine). Blocking calls.
 */
public interface ReservationStateStore {
    /** @return the stored state of namespace {@code ns}, or null if none is stored */
    byte[] reservationState(UUID ns);

    /** Stores the state of {@code ns} durably (synced before return); {@code state} null deletes it. */
    void putReservationState(UUID ns, byte[] state);
}
