/**
 * Reservations on the gateway side (NVMe Base 2.0 sections 7.2..7.5 and 8.19): the Reservation Register, Acquire,
 * Release and Report commands ({@link io.nvmegate.gateway.reservation.ReservationCommands}, with ONCS bit 5 and
 * Identify Namespace RESCAP), the Reservation Notification log page (LID 80h) and its AEN
 * ({@link io.nvmegate.gateway.reservation.ReservationNotices}), and features 82h Reservation Notification Mask and
 * 83h Reservation Persistence ({@link io.nvmegate.gateway.reservation.ReservationFeatures}).
 *
 * <p>Contract with the block worker, which owns and executes reservations (its engine is
 * {@code io.nvmegate.worker.reservation}); messages in {@code io.nvmegate.blockio}:
 * <ul>
 *   <li>Commands: a {@code BlockRequest.reservation(op, namespace UUID, CDW10, CDW11, data, host ID, CNTLID)} with
 *       op {@code RESERVATION_REGISTER} / {@code _ACQUIRE} (data: CRKEY @0, NRKEY/PRKEY @8, 16 bytes),
 *       {@code _RELEASE} (CRKEY, 8 bytes), {@code _REPORT} (no data; the reply data is the report, returned up to
 *       the SGL length) or {@code _PERSISTENCE} (feature 83h: no data reads PTPL, 1 byte sets it); the reply's status
 *       is the command's.</li>
 *   <li>Every other block request carries the host ID and CNTLID of its controller, so the worker can answer
 *       Reservation Conflict | DNR.</li>
 *   <li>Hosts are identified by their host ID (Connect HOSTID) only — also an anonymous host (empty host NQN).</li>
 *   <li>{@code CONTROLLER_GONE} (posted, no reply) when a controller is destroyed: the worker stops listing its
 *       CNTLID in Reservation Reports.</li>
 *   <li>Notices: the worker publishes {@code ReservationEvents} (subsystem, NSID, host ID, log page type 1..3) on
 *       {@code ReservationEvents.ADDRESS}; every gateway queues them for its controllers of that host.</li>
 * </ul>
 */
package io.nvmegate.gateway.reservation;
