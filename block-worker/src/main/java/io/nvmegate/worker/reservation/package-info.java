/**
 * Reservations on the block worker (NVMe Base 2.0 section 8.19; semantics checked against the Linux target,
 * drivers/nvme/target/pr.c): the one place a namespace's registrants, reservation, generation and PTPL live for
 * the whole cluster. Gateways reach it only through {@link io.nvmegate.blockio} (the {@code RESERVATION_*} and
 * {@code CONTROLLER_GONE} ops, the notices of {@link io.nvmegate.blockio.ReservationEvents}).
 *
 * <h2>Classes</h2>
 * <ul>
 *   <li>{@link io.nvmegate.worker.reservation.ReservationType}: RTYPE values and the access table (NVM Command
 *       Set 1.0 Figure 5).</li>
 *   <li>{@link io.nvmegate.worker.reservation.ReservationState}: one namespace's state and its persistent byte
 *       layout.</li>
 *   <li>{@link io.nvmegate.worker.reservation.ReservationEngine}: the commands (Register, Acquire, Release,
 *       Report, Set PTPL) on a state; pure, no I/O, no threads; each returns a
 *       {@link io.nvmegate.worker.reservation.ReservationOutcome} (status, data, notices, aborted hosts, whether
 *       the persistent copy must follow).</li>
 *   <li>{@link io.nvmegate.worker.reservation.ReservationCommands}: a validated request's reservation op on an
 *       engine, and the access check, synchronous (no I/O, no notices sent): shared by the RF 1 facade and the
 *       replicated state machine ({@code io.nvmegate.replication}), which applies them in Raft log order.</li>
 *   <li>{@link io.nvmegate.worker.reservation.NamespaceReservations}: the facade the RF 1 worker uses.</li>
 * </ul>
 *
 * <h2>Contract with the worker ({@link io.nvmegate.worker.reservation.NamespaceReservations})</h2>
 * <ul>
 *   <li>{@code load(ns, persistence)} when the worker starts serving a namespace (blocking); {@code persistence}
 *       is the {@link io.nvmegate.storage.ReservationStateStore} of a backend whose data survives a restart, else
 *       null (no PTPL). {@code unload(uuid)} when it stops.</li>
 *   <li>{@code check(ns, request)} for every storage op of a host, after the worker's validation: Success or
 *       Reservation Conflict | DNR.</li>
 *   <li>{@code execute(ns, request, executor)} for every reservation op, after the worker's validation (host
 *       present, data lengths): a future of the reply. Notices go to the worker's
 *       {@link io.nvmegate.worker.reservation.NamespaceReservations.NoticePublisher}.</li>
 *   <li>Threads: {@code execute} on the worker's event loop, in arrival order; {@code check} there or on the
 *       event loop of a gateway in the same process (both lock the namespace's state).</li>
 * </ul>
 * This package knows neither backends nor the worker's classes: it depends on {@code blockio} (messages),
 * {@code storage} (the persistence interface) and {@code protocol} (statuses) only.
 */
package io.nvmegate.worker.reservation;
