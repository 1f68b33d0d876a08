package io.nvmegate.worker.reservation;

import io.nvmegate.blockio.ReservationNotice;
import io.nvmegate.protocol.Status;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The reservation commands on one namespace's {@link ReservationState} (NVMe Base 2.0 sections 7.2 Reservation
 * Acquire, 7.3 Register, 7.4 Release, 7.5 Report and 8.19; semantics checked against the Linux target,
 * drivers/nvme/target/pr.c, and the blktests nvme/054 generation sequence). Pure: no I/O, no threads; the caller
 * serialises calls and persists the state when {@link ReservationOutcome#persist()} says so and PTPL is set.
 *
 * <p>Statuses: Reservation Conflict | DNR (SCT 0 SC 83h) for a host that is not a registrant or gives the wrong
 * current key, or a reservation it may not take; Invalid Field in Command | DNR for reserved action / type /
 * CPTPL values, IEKEY on Acquire and Release (NVMe 2.0 made it reserved there), a Release with an RTYPE other
 * than the reservation's, a Preempt with PRKEY 0 of a non All Registrants reservation not held with key 0, and
 * CPTPL 11b when persistence is not supported; Host Identifier Inconsistent Format | DNR for a Report with EDS
 * 0 (hosts of fabrics controllers have 128-bit host identifiers, so only the extended structure exists; NVMe
 * Base 2.0 section 7.5).
 *
 * <p>Generation: +1 for every successful Reservation Register (register, unregister, replace — also a repeated
 * register with the same key), Preempt, Preempt and Abort and Clear; Acquire and Release leave it.
 */
public final class ReservationEngine {
    /** Reservation Register data: CRKEY le64 @0, NRKEY le64 @8. Acquire: CRKEY @0, PRKEY @8. Release: CRKEY @0. */
    public static final int REGISTER_DATA = 16, ACQUIRE_DATA = 16, RELEASE_DATA = 8;
    /** Extended Reservation Status: 64-byte header, 64-byte Registered Controller Extended entries. */
    public static final int REPORT_HEADER = 64, REPORT_ENTRY = 64;
    /** CNTLID reported for a registrant with no known controller (NVMe Base 2.0 Figure 395: FFFFh). */
    public static final int CNTLID_UNKNOWN = 0xFFFF;

    private static final int CONFLICT = Status.dnr(Status.RESERVATION_CONFLICT);
    private static final int INVALID = Status.dnr(Status.INVALID_FIELD);

    private final ReservationState s;
    private final boolean ptplSupported;

    /**
     * @param state         the namespace's state (mutated by the commands)
     * @param ptplSupported whether the namespace can persist the state (RESCAP bit 0); CPTPL 11b fails otherwise
     */
    public ReservationEngine(ReservationState state, boolean ptplSupported) {
        this.s = state;
        this.ptplSupported = ptplSupported;
    }

    public ReservationState state() { return s; }

    /**
     * Reservation Register (0Dh). CDW10: RREGA 2:0 (0 register, 1 unregister, 2 replace), IEKEY bit 3, CPTPL 31:30
     * (00b no change, 10b PTPL off, 11b PTPL on, 01b reserved). Register: a registrant giving its own key again
     * succeeds, another key conflicts. Unregister / Replace: registrant only, CRKEY must match unless IEKEY.
     * Unregistering the holder of a type 1..4 reservation releases it (Registrants Only types notify the other
     * registrants); of an All Registrants reservation, only the last registrant leaving ends it.
     */
    public ReservationOutcome register(UUID host, int cntlid, int cdw10, long crkey, long nrkey) {
        int rrega = cdw10 & 7, cptpl = cdw10 >>> 30;
        boolean iekey = (cdw10 & 1 << 3) != 0;
        if (rrega > 2 || cptpl == 1 || (cptpl == 3 && !ptplSupported)) return ReservationOutcome.failed(INVALID);
        ReservationState.Registrant reg = s.registrants.get(host);
        List<ReservationNotice> notices = new ArrayList<>();
        switch (rrega) {
            case 0:
                if (reg != null) {
                    if (reg.key != nrkey) return ReservationOutcome.failed(CONFLICT);
                } else {
                    reg = new ReservationState.Registrant(nrkey);
                    s.registrants.put(host, reg);
                }
                s.seen(host, cntlid);
                break;
            case 1:
                if (reg == null || (!iekey && reg.key != crkey)) return ReservationOutcome.failed(CONFLICT);
                unregister(host, notices);
                break;
            default:
                if (reg == null || (!iekey && reg.key != crkey)) return ReservationOutcome.failed(CONFLICT);
                reg.key = nrkey;
                s.seen(host, cntlid);
                break;
        }
        if (cptpl >= 2) s.ptpl = cptpl == 3;
        s.generation++;
        return ReservationOutcome.ok(notices, Set.of(), true);
    }

    /**
     * Reservation Acquire (11h). CDW10: RACQA 2:0 (0 acquire, 1 preempt, 2 preempt and abort), IEKEY bit 3 (must
     * be 0), RTYPE 15:8 (1..6). The host must be a registrant with key CRKEY. Acquire: takes a free reservation;
     * the holder asking again for the same type succeeds; anything else conflicts. Preempt (section 8.19.6):
     * <ul>
     *   <li>no reservation: registrants with key PRKEY are unregistered (none → conflict);</li>
     *   <li>All Registrants reservation: PRKEY 0 makes the host the holder of an RTYPE reservation and
     *       unregisters every other registrant; another PRKEY unregisters the registrants with that key;</li>
     *   <li>other types: PRKEY equal to the holder's key makes the host the holder of an RTYPE reservation and
     *       unregisters the other registrants with that key (a changed type notifies the remaining registrants
     *       Reservation Released); another non-zero PRKEY unregisters the registrants with that key; PRKEY 0 →
     *       Invalid Field.</li>
     * </ul>
     * Unregistered hosts other than the issuer get Registration Preempted; Preempt and Abort also names them in
     * {@link ReservationOutcome#aborted()}.
     */
    public ReservationOutcome acquire(UUID host, int cntlid, int cdw10, long crkey, long prkey) {
        int racqa = cdw10 & 7;
        ReservationType type = ReservationType.of((cdw10 >> 8) & 0xFF);
        if (racqa > 2 || (cdw10 & 1 << 3) != 0 || type == null) return ReservationOutcome.failed(INVALID);
        ReservationState.Registrant reg = s.registrants.get(host);
        if (reg == null || reg.key != crkey) return ReservationOutcome.failed(CONFLICT);
        s.seen(host, cntlid);
        if (racqa == 0) {
            if (s.type == null) {
                take(host, type);
                return ReservationOutcome.ok(List.of(), Set.of(), true);
            }
            return s.isHolder(host) && s.type == type ? ReservationOutcome.ok(List.of(), Set.of(), false)
                    : ReservationOutcome.failed(CONFLICT);
        }
        List<ReservationNotice> notices = new ArrayList<>();
        Set<UUID> removed = new LinkedHashSet<>();
        if (s.type == null) {
            if (!unregisterByKey(prkey, null, removed, notices)) return ReservationOutcome.failed(CONFLICT);
        } else if (s.type.allRegistrants()) {
            if (prkey == 0) {
                take(host, type);
                for (UUID h : List.copyOf(s.registrants.keySet())) {
                    if (!h.equals(host)) preempt(h, removed, notices);
                }
            } else if (!unregisterByKey(prkey, null, removed, notices)) {
                return ReservationOutcome.failed(CONFLICT);
            }
        } else if (prkey == s.registrants.get(s.holder).key) {
            ReservationType old = s.type;
            take(host, type);
            unregisterByKey(prkey, host, removed, notices);
            if (old != type) notifyRegistrants(host, ReservationNotice.RESERVATION_RELEASED, notices);
        } else if (prkey != 0) {
            if (!unregisterByKey(prkey, null, removed, notices)) return ReservationOutcome.failed(CONFLICT);
        } else {
            return ReservationOutcome.failed(INVALID);
        }
        removed.remove(host);
        notices.removeIf(n -> n.host().equals(host)); // the issuer is not notified of its own command
        s.generation++;
        return ReservationOutcome.ok(notices, racqa == 2 ? removed : Set.of(), true);
    }

    /**
     * Reservation Release (15h). CDW10: RRELA 2:0 (0 release, 1 clear), IEKEY bit 3 (must be 0), RTYPE 15:8. The
     * host must be a registrant with key CRKEY. Release: nothing to do unless the host is a holder; an RTYPE other
     * than the reservation's → Invalid Field; releasing a type 3..6 reservation notifies the other registrants
     * Reservation Released. Clear: the reservation and every registration end; the other registrants get
     * Reservation Preempted.
     */
    public ReservationOutcome release(UUID host, int cntlid, int cdw10, long crkey) {
        int rrela = cdw10 & 7;
        if (rrela > 1 || (cdw10 & 1 << 3) != 0) return ReservationOutcome.failed(INVALID);
        ReservationState.Registrant reg = s.registrants.get(host);
        if (reg == null || reg.key != crkey) return ReservationOutcome.failed(CONFLICT);
        s.seen(host, cntlid);
        List<ReservationNotice> notices = new ArrayList<>();
        if (rrela == 1) {
            notifyRegistrants(host, ReservationNotice.RESERVATION_PREEMPTED, notices);
            s.registrants.clear();
            s.type = null;
            s.holder = null;
            s.generation++;
            return ReservationOutcome.ok(notices, Set.of(), true);
        }
        if (!s.isHolder(host)) return ReservationOutcome.ok(List.of(), Set.of(), false);
        if (((cdw10 >> 8) & 0xFF) != s.type.rtype) return ReservationOutcome.failed(INVALID);
        ReservationType old = s.type;
        s.type = null;
        s.holder = null;
        if (old != ReservationType.WRITE_EXCLUSIVE && old != ReservationType.EXCLUSIVE_ACCESS) {
            notifyRegistrants(host, ReservationNotice.RESERVATION_RELEASED, notices);
        }
        return ReservationOutcome.ok(notices, Set.of(), true);
    }

    /**
     * Reservation Report (0Eh). CDW10 NUMD (0's based dwords), CDW11 bit 0 EDS. Returns the Reservation Status
     * Extended Data Structure (NVMe Base 2.0 Figure 394/396), little-endian, cut to {@code (NUMD + 1) × 4} bytes:
     * <pre>
     * header  GEN le32 @0, RTYPE @4, REGCTL le16 @5, PTPLS @9, reserved to 63
     * entry   CNTLID le16 @0, RCSTS @2 (bit 0: holds the reservation), RKEY le64 @8, HOSTID 16 bytes @16
     *         (UUID msb then lsb, big-endian as in Connect), reserved to 63
     * </pre>
     * One entry per controller of a registrant (its CNTLIDs seen on this namespace), or one with CNTLID FFFFh if
     * none is known (e.g. after a restart with PTPL). REGCTL counts every entry, also those cut off. EDS 0 → Host
     * Identifier Inconsistent Format | DNR; fewer than 64 bytes → Invalid Field | DNR.
     */
    public ReservationOutcome report(UUID host, int cntlid, int cdw10, int cdw11) {
        if ((cdw11 & 1) == 0) return ReservationOutcome.failed(Status.dnr(Status.HOST_ID_INCONSISTENT_FORMAT));
        long bytes = (Integer.toUnsignedLong(cdw10) + 1) * 4;
        if (bytes < REPORT_HEADER) return ReservationOutcome.failed(INVALID);
        s.seen(host, cntlid);
        List<byte[]> entries = new ArrayList<>();
        for (Map.Entry<UUID, ReservationState.Registrant> e : s.registrants.entrySet()) {
            ReservationState.Registrant r = e.getValue();
            List<Integer> ids = r.cntlids.isEmpty() ? List.of(CNTLID_UNKNOWN) : List.copyOf(r.cntlids);
            for (int id : ids) {
                ByteBuffer b = ByteBuffer.allocate(REPORT_ENTRY).order(ByteOrder.LITTLE_ENDIAN);
                b.putShort(0, (short) id).put(2, (byte) (s.isHolder(e.getKey()) ? 1 : 0)).putLong(8, r.key);
                b.order(ByteOrder.BIG_ENDIAN).putLong(16, e.getKey().getMostSignificantBits()).putLong(24, e.getKey().getLeastSignificantBits());
                entries.add(b.array());
            }
        }
        int full = REPORT_HEADER + REPORT_ENTRY * entries.size();
        ByteBuffer out = ByteBuffer.allocate(full).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0, s.generation).put(4, (byte) (s.type == null ? 0 : s.type.rtype))
                .putShort(5, (short) Math.min(entries.size(), 0xFFFF)).put(9, (byte) (s.ptpl ? 1 : 0));
        for (int i = 0; i < entries.size(); i++) out.put(REPORT_HEADER + i * REPORT_ENTRY, entries.get(i));
        byte[] data = out.array();
        if (bytes < full) data = java.util.Arrays.copyOf(data, (int) bytes);
        return new ReservationOutcome(Status.SUCCESS, data, List.of(), Set.of(), false);
    }

    /**
     * Set Features Reservation Persistence (83h): CDW11 bit 0 PTPL. Turning it on without support → Invalid
     * Field | DNR.
     */
    public ReservationOutcome setPersistence(boolean ptpl) {
        if (ptpl && !ptplSupported) return ReservationOutcome.failed(INVALID);
        boolean changed = s.ptpl != ptpl;
        s.ptpl = ptpl;
        return ReservationOutcome.ok(List.of(), Set.of(), changed);
    }

    private void take(UUID host, ReservationType type) {
        s.type = type;
        s.holder = type.allRegistrants() ? null : host;
    }

    /** Removes {@code host}'s registration; releases the reservation if it held it (rules in {@link #register}). */
    private void unregister(UUID host, List<ReservationNotice> notices) {
        boolean wasHolder = s.isHolder(host);
        s.registrants.remove(host);
        if (!wasHolder) return;
        if (s.type.allRegistrants()) {
            if (s.registrants.isEmpty()) s.type = null;
            return;
        }
        ReservationType old = s.type;
        s.type = null;
        s.holder = null;
        if (old.registrantsOnly()) notifyRegistrants(host, ReservationNotice.RESERVATION_RELEASED, notices);
    }

    /** Unregisters every registrant with key {@code key} except {@code keep}; @return whether one matched */
    private boolean unregisterByKey(long key, UUID keep, Set<UUID> removed, List<ReservationNotice> notices) {
        boolean any = false;
        for (Map.Entry<UUID, ReservationState.Registrant> e : List.copyOf(s.registrants.entrySet())) {
            if (e.getValue().key == key && !e.getKey().equals(keep)) {
                any = true;
                preempt(e.getKey(), removed, notices);
            }
        }
        return any;
    }

    private void preempt(UUID victim, Set<UUID> removed, List<ReservationNotice> notices) {
        unregister(victim, notices);
        removed.add(victim);
        notices.add(new ReservationNotice(victim, ReservationNotice.REGISTRATION_PREEMPTED));
    }

    private void notifyRegistrants(UUID except, int type, List<ReservationNotice> notices) {
        for (UUID h : s.registrants.keySet()) {
            if (!h.equals(except)) notices.add(new ReservationNotice(h, type));
        }
    }
}
