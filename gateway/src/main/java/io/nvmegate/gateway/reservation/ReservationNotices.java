package io.nvmegate.gateway.reservation;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.controller.QueueTransport;
import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.ReservationEvents;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reservation notifications of this gateway's I/O controllers (NVMe Base 2.0 sections 5.16.1.24 and 8.19.6):
 * block workers publish them on {@link ReservationEvents#ADDRESS}; each controller of the named host on the
 * named subsystem gets an entry in its Reservation Notification log page (LID 80h) and an asynchronous event
 * (DW0 {@value #AEN_RESERVATION_LOG}: type 110b I/O command specific status, info 00h Reservation Log Page
 * Available, LID 80h), unless the host masked that notification type for the namespace with the Reservation
 * Notification Mask feature (82h). The event then stays masked until the log page is read with RAE = 0
 * ({@link io.nvmegate.controller.AsyncEvents}).
 *
 * <p>Log page (64 bytes, little-endian): Log Page Count le64 @0 (increments per entry, 0 = empty, wraps to 1),
 * Reservation Notification Log Page Type @8 (0 empty, 1 Registration Preempted, 2 Reservation Released, 3
 * Reservation Preempted), Number of Available Log Pages @9 (entries still queued after this one, ≤ 255), NSID
 * le32 @12. Each read returns and removes the oldest entry; at most {@value #MAX_QUEUED} are queued (older ones
 * are dropped, and the count skips them, so the host sees entries were lost).
 *
 * <p>Feature 82h: CDW11 bit 1 REGPRE, bit 2 RESREL, bit 3 RESPRE mask the notification types 1, 2, 3; other
 * bits → Invalid Field | DNR. Per namespace: Set with NSID FFFFFFFFh applies to every namespace; Get needs an
 * active NSID (the catalog check is the caller's).
 */
public final class ReservationNotices {
    private static final Logger log = LoggerFactory.getLogger(ReservationNotices.class);
    /** AEN completion DW0 of a Reservation Notification. */
    public static final int AEN_RESERVATION_LOG = 6 | 0x80 << 16;
    static final int MAX_QUEUED = 255;
    static final int MASK_BITS = 1 << 1 | 1 << 2 | 1 << 3;

    private final ControllerRegistry registry;
    private final Map<Controller, PerController> byController = new ConcurrentHashMap<>();
    private MessageConsumer<Object> consumer;

    private static final class PerController {
        final ArrayDeque<long[]> queue = new ArrayDeque<>(); // {count, type, nsid}
        final Map<Integer, Integer> masks = new HashMap<>();
        int allMask;
        long count;
    }

    public ReservationNotices(ControllerRegistry registry) {
        this.registry = registry;
    }

    /** Subscribes to the workers' notifications. */
    public void start(Vertx vertx) {
        consumer = vertx.eventBus().consumer(ReservationEvents.ADDRESS, m -> deliver(ReservationEvents.decode(m.body())));
    }

    public void stop() {
        if (consumer != null) consumer.unregister();
    }

    /** Queues the event for every matching controller and raises its AEN (on the admin queue's context). */
    void deliver(ReservationEvents.Event e) {
        if (e == null || e.type() < 1 || e.type() > 3) return;
        for (Controller c : registry.controllers()) {
            if (c.destroyed() || !c.subsystem().nqn().equals(e.subsystem()) || !e.host().equals(c.hostId())) continue;
            PerController p = of(c);
            synchronized (p) {
                if ((mask(p, e.nsid()) & 1 << e.type()) != 0) continue;
                if (++p.count == 0) p.count = 1;
                if (p.queue.size() == MAX_QUEUED) p.queue.poll();
                p.queue.add(new long[] {p.count, e.type(), e.nsid()});
            }
            log.debug("controller {} (host {}): reservation notification type {} for nsid {}", c.cntlid(), c.hostNqn(), e.type(), e.nsid());
            QueueTransport admin = c.adminQueue();
            if (admin != null) admin.runOnContext(() -> c.events().notify(AEN_RESERVATION_LOG));
        }
    }

    /** The Reservation Notification log page of {@code c}: its oldest entry, removed (layout in the class comment). */
    public Buffer page(Controller c) {
        PerController p = of(c);
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        synchronized (p) {
            long[] e = p.queue.poll();
            if (e != null) {
                b.putLong(0, e[0]).put(8, (byte) e[1]).put(9, (byte) p.queue.size()).putInt(12, (int) e[2]);
            }
        }
        return Buffer.buffer(b.array());
    }

    /** Get Features 82h for namespace {@code nsid}: DW0 = the mask. */
    public void getMask(Controller c, NvmeRequest r, int nsid) {
        PerController p = of(c);
        synchronized (p) {
            r.complete(Status.SUCCESS, mask(p, nsid));
        }
    }

    /** Set Features 82h: CDW11 masked to bits 3:1 (others → Invalid Field | DNR at CDW11), for {@code nsid} or all (FFFFFFFFh). */
    public void setMask(Controller c, NvmeRequest r, int nsid) throws StatusException {
        int v = r.sqe().cdw(11);
        if ((v & ~MASK_BITS) != 0) throw StatusException.invalidField(ErrorLocation.cdw(11, Integer.numberOfTrailingZeros(v & ~MASK_BITS)));
        PerController p = of(c);
        synchronized (p) {
            if (nsid == 0xFFFFFFFF) {
                p.allMask = v;
                p.masks.clear();
            } else {
                p.masks.put(nsid, v);
            }
        }
        r.complete(Status.SUCCESS, v);
    }

    /** The controller is gone: its log and masks go too. */
    public void forget(Controller c) {
        byController.remove(c);
    }

    private PerController of(Controller c) {
        return byController.computeIfAbsent(c, k -> new PerController());
    }

    private static int mask(PerController p, int nsid) {
        return p.masks.getOrDefault(nsid, p.allMask);
    }
}
