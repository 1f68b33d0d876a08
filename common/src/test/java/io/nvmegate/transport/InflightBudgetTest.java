package io.nvmegate.transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link InflightBudget}: limits in bytes and commands, strict arrival order, no line-jumping, cancel, peaks. */
class InflightBudgetTest {
    static final long K128 = 128 * 1024;

    @Test
    void grantsInArrivalOrderAsSharesComeBack() {
        InflightBudget b = new InflightBudget(2 * K128, 100);
        List<String> granted = new ArrayList<>();
        assertThat(b.acquire(K128, () -> granted.add("x"))).isTrue();
        assertThat(b.acquire(K128, () -> granted.add("x"))).isTrue();
        assertThat(b.acquire(K128, () -> granted.add("a"))).isFalse();
        assertThat(b.acquire(4096, () -> granted.add("b"))).as("a small request does not jump the line").isFalse();
        assertThat(b.waiting()).isEqualTo(2);
        b.release(K128, 1);
        assertThat(granted).containsExactly("a");
        b.release(K128, 1);
        assertThat(granted).containsExactly("a", "b");
        assertThat(b.bytes()).isEqualTo(K128 + 4096);
        assertThat(b.commands()).isEqualTo(2);
        assertThat(b.peakBytes()).isEqualTo(2 * K128);
    }

    @Test
    void commandsAreLimitedToo() {
        InflightBudget b = new InflightBudget(0, 2);
        assertThat(b.acquire(0, () -> { })).isTrue();
        assertThat(b.acquire(1L << 30, () -> { })).as("no byte limit").isTrue();
        assertThat(b.acquire(0, () -> { })).isFalse();
        assertThat(b.peakCommands()).isEqualTo(2);
    }

    @Test
    void anOversizedCommandGoesAloneAndCancelWithdraws() {
        InflightBudget b = new InflightBudget(K128, 10);
        assertThat(b.acquire(4 * K128, () -> { })).as("nothing in flight: may exceed the limit").isTrue();
        InflightBudget.Waiter w = () -> { throw new AssertionError("cancelled waiter granted"); };
        assertThat(b.acquire(4096, w)).isFalse();
        b.cancel(w);
        b.release(4 * K128, 1);
        assertThat(b.bytes()).isZero();
        assertThat(b.commands()).isZero();
        assertThat(b.waiting()).isZero();
    }

    @Test
    void resizeGrantsWhatNowFits() {
        InflightBudget b = new InflightBudget(K128, 10);
        List<String> granted = new ArrayList<>();
        assertThat(b.acquire(K128, () -> { })).isTrue();
        assertThat(b.acquire(K128, () -> granted.add("a"))).isFalse();
        b.resize(2 * K128, 10);
        assertThat(granted).containsExactly("a");
    }
}
