package io.nvmegate.worker.reservation;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The reservation state of one namespace (NVMe Base 2.0 section 8.19): registrants keyed by 128-bit host
 * identifier (in registration order) with their reservation key and the CNTLIDs of that host's controllers the
 * owner has seen, the reservation type and holder, the generation counter and Persist Through Power Loss (PTPL).
 * Not thread-safe: one owner (the block worker's event loop) mutates it, through {@link ReservationEngine}.
 *
 * <p>Holder: for types 1..4 one registrant ({@link #holder()}); for the All Registrants types (5, 6) every
 * registrant is a holder and {@link #holder()} is null. No reservation: {@link #type()} null.
 *
 * <p>Persistent form ({@link #encode()}, big-endian; CNTLIDs are not kept: controllers do not survive a restart):
 * <pre>
 * offset size
 *  0     1    format version (1)
 *  1     4    generation (u32)
 *  5     1    PTPL (0/1)
 *  6     1    RTYPE (0 = none)
 *  7     16   holder host ID (zero when none / All Registrants)
 * 23     4    registrant count N
 * 27     N×24 {host ID 16 bytes (UUID msb, lsb), reservation key 8 bytes}
 * </pre>
 */
public final class ReservationState {
    static final int VERSION = 1;

    /** A registered host. */
    public static final class Registrant {
        long key;
        final Set<Integer> cntlids = new LinkedHashSet<>();

        Registrant(long key) {
            this.key = key;
        }

        /** @return the reservation key (RKEY) */
        public long key() { return key; }

        /** @return CNTLIDs of the host's controllers seen on this namespace (unmodifiable view) */
        public Set<Integer> cntlids() { return Collections.unmodifiableSet(cntlids); }
    }

    final Map<UUID, Registrant> registrants = new LinkedHashMap<>();
    ReservationType type;
    UUID holder;
    int generation;
    boolean ptpl;

    /** @return registrants by host ID, in registration order (unmodifiable view) */
    public Map<UUID, Registrant> registrants() { return Collections.unmodifiableMap(registrants); }

    /** @return the reservation type, or null if no reservation is held */
    public ReservationType type() { return type; }

    /** @return the holder for types 1..4, null for none or the All Registrants types */
    public UUID holder() { return holder; }

    /** @return the generation counter (GEN of the Reservation Report) */
    public int generation() { return generation; }

    /** @return Persist Through Power Loss state */
    public boolean ptpl() { return ptpl; }

    /** @return whether {@code host} is a reservation holder (any registrant for the All Registrants types) */
    public boolean isHolder(UUID host) {
        if (type == null || host == null) return false;
        return type.allRegistrants() ? registrants.containsKey(host) : host.equals(holder);
    }

    /** @return whether {@code host} may issue a command of {@code access} (NVM Command Set 1.0 Figure 5) */
    public boolean allows(UUID host, ReservationType.Access access) {
        if (type == null || access == ReservationType.Access.OTHER || isHolder(host)) return true;
        return type.allows(access, host != null && registrants.containsKey(host));
    }

    /** A command from controller {@code cntlid} of {@code host} reached the namespace: remember the CNTLID. */
    public void seen(UUID host, int cntlid) {
        Registrant r = host == null ? null : registrants.get(host);
        if (r != null && cntlid > 0 && cntlid < 0xFFF0) r.cntlids.add(cntlid);
    }

    /** Controller {@code cntlid} of {@code host} went away. */
    public void gone(UUID host, int cntlid) {
        Registrant r = host == null ? null : registrants.get(host);
        if (r != null) r.cntlids.remove(cntlid);
    }

    /** @return the persistent form (layout in the class comment) */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(27 + 24 * registrants.size());
        b.put((byte) VERSION).putInt(generation).put((byte) (ptpl ? 1 : 0)).put((byte) (type == null ? 0 : type.rtype));
        b.putLong(holder == null ? 0 : holder.getMostSignificantBits()).putLong(holder == null ? 0 : holder.getLeastSignificantBits());
        b.putInt(registrants.size());
        registrants.forEach((h, r) -> b.putLong(h.getMostSignificantBits()).putLong(h.getLeastSignificantBits()).putLong(r.key));
        return b.array();
    }

    /**
     * @return the state encoded by {@link #encode()}
     * @throws IllegalArgumentException if {@code data} is not such an encoding
     */
    public static ReservationState decode(byte[] data) {
        try {
            ByteBuffer b = ByteBuffer.wrap(data);
            if (b.get() != VERSION) throw new IllegalArgumentException("unknown reservation state version " + data[0]);
            ReservationState s = new ReservationState();
            s.generation = b.getInt();
            s.ptpl = b.get() != 0;
            int rtype = b.get() & 0xFF;
            s.type = ReservationType.of(rtype);
            if (rtype != 0 && s.type == null) throw new IllegalArgumentException("RTYPE " + rtype);
            UUID holder = new UUID(b.getLong(), b.getLong());
            int n = b.getInt();
            if (n < 0 || b.remaining() != 24 * n) throw new IllegalArgumentException(n + " registrants in " + data.length + " bytes");
            for (int i = 0; i < n; i++) s.registrants.put(new UUID(b.getLong(), b.getLong()), new Registrant(b.getLong()));
            if (s.type != null && !s.type.allRegistrants()) {
                if (!s.registrants.containsKey(holder)) throw new IllegalArgumentException("holder " + holder + " is not a registrant");
                s.holder = holder;
            }
            return s;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated reservation state (" + data.length + " bytes)", e);
        }
    }
}
