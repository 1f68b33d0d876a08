package io.nvmegate.blockio;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * Reservation notifications from a block worker to every gateway: published (not sent) on {@link #ADDRESS} so
 * each gateway sees them and notifies its own controllers of the host (Reservation Notification log page and
 * AEN, NVMe Base 2.0 section 8.19.6). Body, a JSON object:
 * {@code {"subsystem": NQN, "nsid": NSID, "host": host identifier UUID, "type": log page type 1..3}}
 * (type values: {@link ReservationNotice}).
 */
public final class ReservationEvents {
    private ReservationEvents() {}

    public static final String ADDRESS = "nvmegate.reservation.notice";

    /** A notice as it travels. */
    public record Event(String subsystem, int nsid, UUID host, int type) {}

    /** Publishes notice {@code n} of namespace {@code nsid} of subsystem {@code subsystem} to every gateway. */
    public static void publish(EventBus bus, String subsystem, int nsid, ReservationNotice n) {
        bus.publish(ADDRESS, encode(subsystem, nsid, n));
    }

    public static JsonObject encode(String subsystem, int nsid, ReservationNotice n) {
        return new JsonObject().put("subsystem", subsystem).put("nsid", nsid).put("host", n.host().toString()).put("type", n.type());
    }

    /** @return the event, or null if {@code o} is not one */
    public static Event decode(Object o) {
        if (!(o instanceof JsonObject j)) return null;
        try {
            return new Event(j.getString("subsystem"), j.getInteger("nsid"), UUID.fromString(j.getString("host")), j.getInteger("type"));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
