package io.nvmegate.worker.reservation;

import io.nvmegate.blockio.ReservationNotice;
import io.nvmegate.protocol.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static io.nvmegate.blockio.ReservationNotice.REGISTRATION_PREEMPTED;
import static io.nvmegate.blockio.ReservationNotice.RESERVATION_PREEMPTED;
import static io.nvmegate.blockio.ReservationNotice.RESERVATION_RELEASED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reservation state machine, case by case (NVMe Base 2.0 sections 7.2..7.5, 8.19). */
class ReservationEngineTest {
    static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    static final UUID C = UUID.fromString("00000000-0000-0000-0000-00000000000c");
    static final long KA = 0xA1, KB = 0xB2, KC = 0xC3;
    static final int CONFLICT = Status.dnr(Status.RESERVATION_CONFLICT);
    static final int INVALID = Status.dnr(Status.INVALID_FIELD);

    final ReservationState state = new ReservationState();
    final ReservationEngine e = new ReservationEngine(state, true);

    static int reg(int rrega, boolean iekey, int cptpl) { return rrega | (iekey ? 1 << 3 : 0) | cptpl << 30; }

    static int acq(int racqa, int rtype) { return racqa | rtype << 8; }

    ReservationOutcome register(UUID h, long key) { return e.register(h, cntlid(h), reg(0, false, 0), 0, key); }

    static int cntlid(UUID h) { return (int) h.getLeastSignificantBits(); }

    void ok(ReservationOutcome o) { assertThat(o.status()).as(Status.describe(o.status())).isZero(); }

    /** A, B and C registered with KA, KB, KC; A holds a {@code t} reservation. */
    void threeRegisteredAHolds(ReservationType t) {
        ok(register(A, KA));
        ok(register(B, KB));
        ok(register(C, KC));
        ok(e.acquire(A, cntlid(A), acq(0, t.rtype), KA, 0));
    }

    // ------------------------------------------------------------------------------------------- generation

    @Test
    void generationFollowsTheBlktests054Sequence() {
        ok(register(A, 0xdeadbeefL));
        assertThat(state.generation()).isEqualTo(1);
        ok(e.register(A, 1, reg(2, false, 0), 0xdeadbeefL, 0xabcdL)); // replace
        assertThat(state.generation()).isEqualTo(2);
        ok(e.register(A, 1, reg(1, false, 0), 0xabcdL, 0)); // unregister
        assertThat(state.generation()).isEqualTo(3);
        ok(register(A, 0xabcdL));
        assertThat(state.generation()).isEqualTo(4);
        ok(e.acquire(A, 1, acq(0, 1), 0xabcdL, 0)); // acquire: no bump
        assertThat(state.generation()).isEqualTo(4);
        ok(e.acquire(A, 1, acq(1, 2), 0xabcdL, 0xabcdL)); // preempt (own key) to rtype 2
        assertThat(state.generation()).isEqualTo(5);
        assertThat(state.type()).isEqualTo(ReservationType.EXCLUSIVE_ACCESS);
        ok(e.release(A, 1, 2 << 8, 0xabcdL)); // release: no bump
        assertThat(state.generation()).isEqualTo(5);
        assertThat(state.type()).isNull();
        ok(e.release(A, 1, 1, 0xabcdL)); // clear bumps
        assertThat(state.generation()).isEqualTo(6);
        assertThat(state.registrants()).isEmpty();
    }

    @Test
    void failedCommandsLeaveTheGeneration() {
        ok(register(A, KA));
        assertThat(register(A, KB).status()).isEqualTo(CONFLICT);
        assertThat(e.register(B, 2, reg(1, false, 0), KB, 0).status()).isEqualTo(CONFLICT);
        assertThat(e.acquire(A, 1, acq(1, 1), KA, 0x999).status()).isEqualTo(CONFLICT);
        assertThat(state.generation()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------- register

    @Test
    void registerIsIdempotentWithTheSameKeyAndConflictsWithAnother() {
        ok(register(A, KA));
        ok(register(A, KA));
        assertThat(state.generation()).isEqualTo(2);
        assertThat(register(A, KB).status()).isEqualTo(CONFLICT);
        assertThat(state.registrants().get(A).key()).isEqualTo(KA);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void unregisterAndReplaceNeedTheCurrentKeyUnlessIekey(int rrega) {
        assertThat(e.register(A, 1, reg(rrega, false, 0), KA, KB).status()).as("not a registrant").isEqualTo(CONFLICT);
        assertThat(e.register(A, 1, reg(rrega, true, 0), KA, KB).status()).as("IEKEY, not a registrant").isEqualTo(CONFLICT);
        ok(register(A, KA));
        assertThat(e.register(A, 1, reg(rrega, false, 0), KC, KB).status()).as("wrong CRKEY").isEqualTo(CONFLICT);
        ok(e.register(A, 1, reg(rrega, true, 0), KC, KB)); // IEKEY ignores CRKEY
        if (rrega == 1) assertThat(state.registrants()).doesNotContainKey(A);
        else assertThat(state.registrants().get(A).key()).isEqualTo(KB);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7})
    void reservedRegisterActionsAreInvalid(int rrega) {
        assertThat(e.register(A, 1, reg(rrega, false, 0), 0, KA).status()).isEqualTo(INVALID);
        assertThat(state.registrants()).isEmpty();
    }

    @Test
    void cptplSetsAndClearsPersistThroughPowerLoss() {
        assertThat(e.register(A, 1, reg(0, false, 1), 0, KA).status()).as("CPTPL 01b reserved").isEqualTo(INVALID);
        ok(e.register(A, 1, reg(0, false, 3), 0, KA));
        assertThat(state.ptpl()).isTrue();
        ok(e.register(A, 1, reg(0, false, 0), 0, KA));
        assertThat(state.ptpl()).as("00b: no change").isTrue();
        ok(e.register(A, 1, reg(2, false, 2), KA, KB));
        assertThat(state.ptpl()).isFalse();
        ReservationEngine volatileNs = new ReservationEngine(new ReservationState(), false);
        assertThat(volatileNs.register(A, 1, reg(0, false, 3), 0, KA).status()).isEqualTo(INVALID);
        assertThat(volatileNs.setPersistence(true).status()).isEqualTo(INVALID);
        ok(volatileNs.setPersistence(false));
    }

    @ParameterizedTest
    @EnumSource(ReservationType.class)
    void unregisteringTheHolder(ReservationType t) {
        threeRegisteredAHolds(t);
        ReservationOutcome o = e.register(A, 1, reg(1, false, 0), KA, 0);
        ok(o);
        if (t.allRegistrants()) {
            assertThat(state.type()).as("others still hold").isEqualTo(t);
            assertThat(o.notices()).isEmpty();
        } else {
            assertThat(state.type()).isNull();
            assertThat(o.notices()).containsExactlyElementsOf(t.registrantsOnly()
                    ? List.of(new ReservationNotice(B, RESERVATION_RELEASED), new ReservationNotice(C, RESERVATION_RELEASED)) : List.of());
        }
    }

    @Test
    void theLastAllRegistrantsRegistrantLeavingEndsTheReservation() {
        ok(register(A, KA));
        ok(e.acquire(A, 1, acq(0, 5), KA, 0));
        ok(e.register(A, 1, reg(1, false, 0), KA, 0));
        assertThat(state.type()).isNull();
    }

    // ------------------------------------------------------------------------------------------- acquire

    enum Role { HOLDER, REGISTRANT, NON_REGISTRANT }

    static Stream<Arguments> typesAndRoles() {
        List<Arguments> a = new ArrayList<>();
        for (ReservationType t : ReservationType.values()) for (Role r : Role.values()) a.add(Arguments.of(t, r));
        return a.stream();
    }

    static UUID hostOf(Role r) { return r == Role.HOLDER ? A : r == Role.REGISTRANT ? B : UUID.randomUUID(); }

    @ParameterizedTest
    @MethodSource("typesAndRoles")
    void acquireWhileReserved(ReservationType t, Role role) {
        threeRegisteredAHolds(t);
        UUID h = hostOf(role);
        long key = role == Role.HOLDER ? KA : KB;
        boolean holds = role == Role.HOLDER || (role == Role.REGISTRANT && t.allRegistrants());
        for (ReservationType other : ReservationType.values()) {
            int status = e.acquire(h, 9, acq(0, other.rtype), key, 0).status();
            assertThat(status).as("%s acquiring %s", role, other).isEqualTo(holds && other == t ? 0 : CONFLICT);
        }
        assertThat(state.type()).isEqualTo(t);
        assertThat(state.generation()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(ReservationType.class)
    void acquireAFreeReservation(ReservationType t) {
        ok(register(A, KA));
        assertThat(e.acquire(A, 1, acq(0, t.rtype), KB, 0).status()).as("wrong CRKEY").isEqualTo(CONFLICT);
        ok(e.acquire(A, 1, acq(0, t.rtype), KA, 0));
        assertThat(state.type()).isEqualTo(t);
        assertThat(state.isHolder(A)).isTrue();
        assertThat(state.holder()).isEqualTo(t.allRegistrants() ? null : A);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 0xFF})
    void reservedTypesAreInvalid(int rtype) {
        ok(register(A, KA));
        assertThat(e.acquire(A, 1, acq(0, rtype), KA, 0).status()).isEqualTo(INVALID);
    }

    @Test
    void acquireRejectsIekeyAndReservedActions() {
        ok(register(A, KA));
        assertThat(e.acquire(A, 1, acq(0, 1) | 1 << 3, KA, 0).status()).isEqualTo(INVALID);
        assertThat(e.acquire(A, 1, acq(3, 1), KA, 0).status()).isEqualTo(INVALID);
        assertThat(e.acquire(B, 2, acq(0, 1), KB, 0).status()).as("not a registrant").isEqualTo(CONFLICT);
    }

    // ------------------------------------------------------------------------------------------- preempt

    @ParameterizedTest
    @MethodSource("preemptCases")
    void preemptTheHolder(ReservationType t, ReservationType newType, boolean abort) {
        threeRegisteredAHolds(t);
        long prkey = t.allRegistrants() ? 0 : KA;
        ReservationOutcome o = e.acquire(B, 2, acq(abort ? 2 : 1, newType.rtype), KB, prkey);
        ok(o);
        assertThat(state.type()).isEqualTo(newType);
        assertThat(state.isHolder(B)).isTrue();
        assertThat(state.generation()).isEqualTo(4);
        List<ReservationNotice> expected = new ArrayList<>();
        if (t.allRegistrants()) { // PRKEY 0: every other registrant goes
            assertThat(state.registrants().keySet()).containsExactly(B);
            expected.add(new ReservationNotice(A, REGISTRATION_PREEMPTED));
            expected.add(new ReservationNotice(C, REGISTRATION_PREEMPTED));
        } else {
            assertThat(state.registrants().keySet()).containsExactly(B, C);
            expected.add(new ReservationNotice(A, REGISTRATION_PREEMPTED));
            if (t != newType) expected.add(new ReservationNotice(C, RESERVATION_RELEASED));
        }
        assertThat(o.notices()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(o.aborted()).isEqualTo(abort ? (t.allRegistrants() ? Set.of(A, C) : Set.of(A)) : Set.of());
    }

    static Stream<Arguments> preemptCases() {
        List<Arguments> a = new ArrayList<>();
        for (ReservationType t : ReservationType.values()) {
            for (ReservationType n : ReservationType.values()) {
                a.add(Arguments.of(t, n, false));
                a.add(Arguments.of(t, n, true));
            }
        }
        return a.stream();
    }

    @ParameterizedTest
    @EnumSource(ReservationType.class)
    void preemptARegistrationByKeyLeavesTheReservation(ReservationType t) {
        threeRegisteredAHolds(t);
        ReservationOutcome o = e.acquire(B, 2, acq(1, t.rtype), KB, KC);
        ok(o);
        assertThat(state.type()).isEqualTo(t);
        assertThat(state.isHolder(A)).isTrue();
        assertThat(state.registrants().keySet()).containsExactly(A, B);
        assertThat(o.notices()).containsExactly(new ReservationNotice(C, REGISTRATION_PREEMPTED));
        assertThat(e.acquire(B, 2, acq(1, t.rtype), KB, 0x777).status()).as("no registrant with PRKEY").isEqualTo(CONFLICT);
    }

    @ParameterizedTest
    @EnumSource(value = ReservationType.class, names = {"WRITE_EXCLUSIVE", "EXCLUSIVE_ACCESS",
            "WRITE_EXCLUSIVE_REGISTRANTS_ONLY", "EXCLUSIVE_ACCESS_REGISTRANTS_ONLY"})
    void preemptWithPrkeyZeroIsInvalidForSingleHolderTypes(ReservationType t) {
        threeRegisteredAHolds(t);
        assertThat(e.acquire(B, 2, acq(1, t.rtype), KB, 0).status()).isEqualTo(INVALID);
    }

    @Test
    void preemptWithoutReservationUnregistersByKey() {
        ok(register(A, KA));
        ok(register(B, KB));
        ReservationOutcome o = e.acquire(A, 1, acq(2, 1), KA, KB);
        ok(o);
        assertThat(state.type()).as("no reservation is created").isNull();
        assertThat(state.registrants().keySet()).containsExactly(A);
        assertThat(o.notices()).containsExactly(new ReservationNotice(B, REGISTRATION_PREEMPTED));
        assertThat(o.aborted()).containsExactly(B);
        assertThat(e.acquire(A, 1, acq(1, 1), KA, KB).status()).isEqualTo(CONFLICT);
    }

    // ------------------------------------------------------------------------------------------- release / clear

    @ParameterizedTest
    @MethodSource("typesAndRoles")
    void release(ReservationType t, Role role) {
        threeRegisteredAHolds(t);
        UUID h = hostOf(role);
        long key = role == Role.HOLDER ? KA : KB;
        ReservationOutcome o = e.release(h, 9, t.rtype << 8, key);
        boolean holds = role == Role.HOLDER || (role == Role.REGISTRANT && t.allRegistrants());
        if (role == Role.NON_REGISTRANT) {
            assertThat(o.status()).isEqualTo(CONFLICT);
            assertThat(state.type()).isEqualTo(t);
            return;
        }
        ok(o);
        assertThat(state.generation()).isEqualTo(3);
        if (!holds) {
            assertThat(state.type()).as("a non-holder's release does nothing").isEqualTo(t);
            assertThat(o.notices()).isEmpty();
            return;
        }
        assertThat(state.type()).isNull();
        assertThat(state.registrants()).hasSize(3);
        List<ReservationNotice> expected = new ArrayList<>();
        if (t != ReservationType.WRITE_EXCLUSIVE && t != ReservationType.EXCLUSIVE_ACCESS) {
            for (UUID other : List.of(A, B, C)) if (!other.equals(h)) expected.add(new ReservationNotice(other, RESERVATION_RELEASED));
        }
        assertThat(o.notices()).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(ReservationType.class)
    void releaseWithAnotherTypeIsInvalidAndWrongKeyConflicts(ReservationType t) {
        threeRegisteredAHolds(t);
        int other = t.rtype % 6 + 1;
        assertThat(e.release(A, 1, other << 8, KA).status()).isEqualTo(INVALID);
        assertThat(e.release(A, 1, t.rtype << 8, KB).status()).isEqualTo(CONFLICT);
        assertThat(e.release(A, 1, t.rtype << 8 | 1 << 3, KA).status()).as("IEKEY").isEqualTo(INVALID);
        assertThat(e.release(A, 1, t.rtype << 8 | 2, KA).status()).as("RRELA 2").isEqualTo(INVALID);
        assertThat(state.type()).isEqualTo(t);
    }

    @Test
    void releaseWithoutReservationSucceeds() {
        ok(register(A, KA));
        ok(e.release(A, 1, 1 << 8, KA));
        assertThat(state.generation()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("typesAndRoles")
    void clear(ReservationType t, Role role) {
        threeRegisteredAHolds(t);
        UUID h = hostOf(role);
        ReservationOutcome o = e.release(h, 9, 1, role == Role.HOLDER ? KA : KB);
        if (role == Role.NON_REGISTRANT) {
            assertThat(o.status()).isEqualTo(CONFLICT);
            return;
        }
        ok(o);
        assertThat(state.type()).isNull();
        assertThat(state.registrants()).isEmpty();
        assertThat(state.generation()).isEqualTo(4);
        List<ReservationNotice> expected = new ArrayList<>();
        for (UUID other : List.of(A, B, C)) if (!other.equals(h)) expected.add(new ReservationNotice(other, RESERVATION_PREEMPTED));
        assertThat(o.notices()).containsExactlyElementsOf(expected);
    }

    // ------------------------------------------------------------------------------------------- access

    /** The NVM Command Set 1.0 Figure 5 table, written out: {type, role, read allowed, write allowed}. */
    static Stream<Arguments> accessTable() {
        return Stream.of(
                Arguments.of(1, Role.HOLDER, true, true), Arguments.of(1, Role.REGISTRANT, true, false), Arguments.of(1, Role.NON_REGISTRANT, true, false),
                Arguments.of(2, Role.HOLDER, true, true), Arguments.of(2, Role.REGISTRANT, false, false), Arguments.of(2, Role.NON_REGISTRANT, false, false),
                Arguments.of(3, Role.HOLDER, true, true), Arguments.of(3, Role.REGISTRANT, true, true), Arguments.of(3, Role.NON_REGISTRANT, true, false),
                Arguments.of(4, Role.HOLDER, true, true), Arguments.of(4, Role.REGISTRANT, true, true), Arguments.of(4, Role.NON_REGISTRANT, false, false),
                Arguments.of(5, Role.HOLDER, true, true), Arguments.of(5, Role.REGISTRANT, true, true), Arguments.of(5, Role.NON_REGISTRANT, true, false),
                Arguments.of(6, Role.HOLDER, true, true), Arguments.of(6, Role.REGISTRANT, true, true), Arguments.of(6, Role.NON_REGISTRANT, false, false));
    }

    @ParameterizedTest
    @MethodSource("accessTable")
    void access(int rtype, Role role, boolean read, boolean write) {
        threeRegisteredAHolds(ReservationType.of(rtype));
        UUID h = hostOf(role);
        assertThat(state.allows(h, ReservationType.Access.READ)).as("read").isEqualTo(read);
        assertThat(state.allows(h, ReservationType.Access.WRITE)).as("write").isEqualTo(write);
        assertThat(state.allows(h, ReservationType.Access.OTHER)).isTrue();
        assertThat(state.allows(null, ReservationType.Access.WRITE)).as("unknown host").isFalse();
    }

    @Test
    void everythingIsAllowedWithoutReservation() {
        ok(register(A, KA));
        assertThat(state.allows(B, ReservationType.Access.WRITE)).isTrue();
        assertThat(state.allows(B, ReservationType.Access.READ)).isTrue();
    }

    // ------------------------------------------------------------------------------------------- report

    @Test
    void reportListsEveryControllerOfEveryRegistrant() {
        ok(e.register(A, 3, reg(0, false, 3), 0, KA));
        ok(e.register(B, 0x401, reg(0, false, 0), 0, KB));
        state.seen(B, 0x402); // the same host through a second gateway
        ok(e.acquire(A, 3, acq(0, 3), KA, 0));
        ReservationOutcome o = e.report(C, 7, 1023, 1);
        ok(o);
        ByteBuffer b = ByteBuffer.wrap(o.data()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(o.data()).hasSize(64 + 3 * 64);
        assertThat(b.getInt(0)).isEqualTo(2);
        assertThat(b.get(4)).isEqualTo((byte) 3);
        assertThat(b.getShort(5)).isEqualTo((short) 3);
        assertThat(b.get(9)).as("PTPLS").isEqualTo((byte) 1);
        int[][] expect = {{3, 1}, {0x401, 0}, {0x402, 0}};
        UUID[] hosts = {A, B, B};
        long[] keys = {KA, KB, KB};
        for (int i = 0; i < 3; i++) {
            int off = 64 + 64 * i;
            assertThat(b.getShort(off) & 0xFFFF).isEqualTo(expect[i][0]);
            assertThat(b.get(off + 2)).isEqualTo((byte) expect[i][1]);
            assertThat(b.getLong(off + 8)).isEqualTo(keys[i]);
            ByteBuffer id = ByteBuffer.wrap(o.data(), off + 16, 16);
            assertThat(new UUID(id.getLong(), id.getLong())).isEqualTo(hosts[i]);
        }
        state.gone(B, 0x401);
        assertThat(ByteBuffer.wrap(e.report(C, 7, 1023, 1).data()).order(ByteOrder.LITTLE_ENDIAN).getShort(5)).isEqualTo((short) 2);
    }

    @Test
    void reportIsCutToNumdButCountsEveryController() {
        ok(register(A, KA));
        ok(register(B, KB));
        ReservationOutcome o = e.report(A, cntlid(A), 31, 1); // 128 bytes: header and one entry
        assertThat(o.data()).hasSize(128);
        assertThat(ByteBuffer.wrap(o.data()).order(ByteOrder.LITTLE_ENDIAN).getShort(5)).isEqualTo((short) 2);
        assertThat(e.report(A, 1, 14, 1).status()).as("under 64 bytes").isEqualTo(INVALID);
        assertThat(e.report(A, 1, 1023, 0).status()).as("EDS 0").isEqualTo(Status.dnr(Status.HOST_ID_INCONSISTENT_FORMAT));
    }

    @Test
    void aRegistrantWithoutKnownControllerReportsFfff() {
        ok(register(A, KA));
        state.gone(A, cntlid(A));
        ReservationOutcome o = e.report(B, 2, 1023, 1);
        assertThat(ByteBuffer.wrap(o.data()).order(ByteOrder.LITTLE_ENDIAN).getShort(64) & 0xFFFF).isEqualTo(0xFFFF);
    }

    // ------------------------------------------------------------------------------------------- persistence

    @ParameterizedTest
    @EnumSource(ReservationType.class)
    void encodeDecodeRoundTrip(ReservationType t) {
        threeRegisteredAHolds(t);
        ok(e.setPersistence(true));
        ReservationState copy = ReservationState.decode(state.encode());
        assertThat(copy.generation()).isEqualTo(state.generation());
        assertThat(copy.ptpl()).isTrue();
        assertThat(copy.type()).isEqualTo(t);
        assertThat(copy.holder()).isEqualTo(state.holder());
        assertThat(copy.registrants().keySet()).containsExactly(A, B, C);
        assertThat(copy.registrants().get(C).key()).isEqualTo(KC);
        assertThat(copy.registrants().get(A).cntlids()).as("controllers do not survive").isEmpty();
    }

    @Test
    void decodeRejectsGarbage() {
        assertThatThrownBy(() -> ReservationState.decode(new byte[] {9})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReservationState.decode(new byte[] {1, 0, 0})).isInstanceOf(IllegalArgumentException.class);
        byte[] ok = new ReservationState().encode();
        ok[6] = 9; // RTYPE 9
        assertThatThrownBy(() -> ReservationState.decode(ok)).isInstanceOf(IllegalArgumentException.class);
    }
}
