package io.nvmegate.replication.it;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The history checker on hand-made histories: what a linearizable register allows, and each violation it must catch. */
class RegisterCheckerTest {
    private static final long NEVER = History.NEVER;

    private static History.Write w(long id, long slba, int nlb, long invoke, long complete) {
        return new History.Write(id, slba, nlb, invoke, complete, complete == NEVER ? -1 : 0);
    }

    private static History.Read r(long slba, long invoke, long complete, long... values) {
        return new History.Read(slba, values.length, invoke, complete, values);
    }

    @Test
    void linearizableHistoriesPass() {
        History h = new History();
        h.write(w(1, 0, 2, 0, 10));
        h.write(w(2, 1, 1, 20, 30));
        h.write(w(3, 0, 1, 25, 60));            // concurrent with the read at 40..50: old or new both fine
        h.write(w(4, 5, 1, 5, NEVER));           // failed: may or may not be applied
        h.read(r(0, 12, 15, 1, 1));
        h.read(r(0, 40, 50, 1, 2));
        h.read(r(0, 41, 52, 3, 2));              // concurrent reads may see the new value first
        h.read(r(5, 1, 2, 0));                   // before the failed write: zeroes
        h.read(r(5, 70, 80, 4));                 // the failed write applied after all
        h.read(r(0, 100, 110, 3, 2));
        RegisterChecker.Result res = RegisterChecker.check(h);
        assertThat(res.ok()).as(res.toString()).isTrue();
        assertThat(res.blockReads()).isEqualTo(10);
    }

    @Test
    void aReadOlderThanTheLastAcknowledgedWriteIsStale() {
        History h = new History();
        h.write(w(1, 7, 1, 0, 10));
        h.write(w(2, 7, 1, 20, 30));
        h.read(r(7, 40, 50, 1));                 // write 2 was acknowledged at 30: a lost acknowledged write
        RegisterChecker.Result res = RegisterChecker.check(h);
        assertThat(res.counts()).containsOnlyKeys("stale");
        assertThat(res.examples().get(0)).contains("LBA 7").contains("write 2");
    }

    @Test
    void zeroesAfterAnAcknowledgedWriteAreStale() {
        History h = new History();
        h.write(w(1, 3, 4, 0, 10));
        h.read(r(3, 20, 30, 1, 1, 0, 1));
        assertThat(RegisterChecker.check(h).counts()).containsOnlyKeys("stale");
    }

    @Test
    void corruptMisplacedNeverWrittenAndFutureValuesAreCaught() {
        History h = new History();
        h.write(w(1, 0, 1, 0, 10));
        h.write(w(2, 9, 1, 100, 110));
        h.read(r(0, 20, 30, BlockValues.CORRUPT));
        h.read(r(1, 20, 30, 1));                 // write 1 never covered LBA 1
        h.read(r(0, 20, 30, 77));                // no write 77
        h.read(r(9, 20, 30, 2));                 // write 2 was invoked after this read completed
        assertThat(RegisterChecker.check(h).counts()).containsOnlyKeys("corrupt", "never written", "from the future")
                .containsEntry("never written", 2L);
    }

    @Test
    void aLaterReadGoingBackInTimeIsNonMonotonic() {
        History h = new History();
        h.write(w(1, 0, 1, 0, 10));
        h.write(w(2, 0, 1, 20, 100));            // still in flight while both reads run
        h.read(r(0, 30, 40, 2));
        h.read(r(0, 50, 60, 1));                 // saw 2 before, now 1 again
        assertThat(RegisterChecker.check(h).counts()).containsOnlyKeys("non-monotonic");
    }

    @Test
    void blockValuesRoundTripAndTornBlocksAreCorrupt() {
        byte[] data = BlockValues.encode(42, 100, 3, 512);
        assertThat(BlockValues.decode(data, 100, 3, 512)).containsExactly(42, 42, 42);
        assertThat(BlockValues.decode(data, 101, 3, 512)).containsOnly(BlockValues.CORRUPT); // misplaced
        assertThat(BlockValues.decode(new byte[1024], 0, 2, 512)).containsExactly(0, 0);
        byte[] torn = data.clone();
        System.arraycopy(BlockValues.encode(43, 101, 1, 512), 0, torn, 512 + 256, 256);
        assertThat(BlockValues.decode(torn, 100, 3, 512)).containsExactly(42, BlockValues.CORRUPT, 42);
    }
}
