package io.nvmegate.metrics;

import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Timers of one meter name and fixed other labels, by block op (an enum constant) and outcome (success / error),
 * resolved once and then found by index: slot {@code 2 × op.ordinal() + (ok ? 0 : 1)} of an array sized for the
 * first enum type seen. Recording one value neither allocates nor looks anything up in the registry. An op of
 * another enum type, or {@code null}, goes through a map (allocates; never seen on the data path). Thread-safe:
 * two threads creating the same slot's timer get the same meter from the registry.
 */
final class OpOutcomeTimers {
    /** Registers the timer of {@code op} ({@code null}: unknown) and outcome {@code ok}. */
    @FunctionalInterface
    interface Factory {
        Timer create(Enum<?> op, boolean ok);
    }

    private record Slots(Class<?> type, AtomicReferenceArray<Timer> timers) {}
    private record Key(Enum<?> op, boolean ok) {}

    private final Factory factory;
    private volatile Slots slots;
    private final Map<Key, Timer> others = new ConcurrentHashMap<>();

    OpOutcomeTimers(Factory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** @return the timer of {@code op} and outcome {@code ok} (registered on first use) */
    Timer get(Enum<?> op, boolean ok) {
        if (op == null) return others.computeIfAbsent(new Key(null, ok), k -> factory.create(null, k.ok));
        Slots s = slots;
        if (s == null) s = slotsFor(op.getDeclaringClass());
        if (s.type != op.getDeclaringClass()) return others.computeIfAbsent(new Key(op, ok), k -> factory.create(k.op, k.ok));
        int i = 2 * op.ordinal() + (ok ? 0 : 1);
        Timer t = s.timers.get(i);
        if (t == null) {
            t = factory.create(op, ok);
            s.timers.set(i, t); // a race registers the same meter twice: the registry returns the same one
        }
        return t;
    }

    private synchronized Slots slotsFor(Class<?> type) {
        Slots s = slots;
        if (s == null) {
            s = new Slots(type, new AtomicReferenceArray<>(2 * type.getEnumConstants().length));
            slots = s;
        }
        return s;
    }
}
