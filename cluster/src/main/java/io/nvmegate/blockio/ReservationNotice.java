package io.nvmegate.blockio;

import java.util.UUID;

/**
 * A Reservation Notification for every controller of host {@code host} (NVMe Base 2.0 section 5.16.1.24 and
 * section 8.19.6), the entry type of the Reservation Notification log page (LID 80h) byte 8.
 *
 * @param host 128-bit host identifier of the host to notify
 * @param type {@link #REGISTRATION_PREEMPTED}, {@link #RESERVATION_RELEASED} or {@link #RESERVATION_PREEMPTED}
 */
public record ReservationNotice(UUID host, int type) {
    /** The host's registration was removed by another host's Preempt / Preempt and Abort. */
    public static final int REGISTRATION_PREEMPTED = 1;
    /** A reservation the host is registered under was released (Registrants Only / All Registrants types). */
    public static final int RESERVATION_RELEASED = 2;
    /** The reservation was cleared (Reservation Release, RRELA Clear) by another host. */
    public static final int RESERVATION_PREEMPTED = 3;
}
