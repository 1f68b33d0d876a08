package io.nvmegate.testkit;

import java.io.File;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * Counts of what a connection may leak (issue 18): named counters read together ({@link #snapshot()}), e.g. open
 * file descriptors of this JVM ({@link #openFileDescriptors()}), controllers in a registry, pending Vert.x timers
 * ({@link #vertxTimers(Object)}), Micrometer meters. A storm test takes a snapshot before and after and compares
 * them; {@link #settled} waits for the asynchronous closes to finish first.
 */
public final class LeakCounts {
    private final Map<String, IntSupplier> counters = new LinkedHashMap<>();

    /** Adds counter {@code name}. */
    public LeakCounts count(String name, IntSupplier counter) {
        counters.put(name, counter);
        return this;
    }

    /** @return every counter's value now, by name, in the order added */
    public Map<String, Integer> snapshot() {
        Map<String, Integer> m = new LinkedHashMap<>();
        counters.forEach((k, v) -> m.put(k, v.getAsInt()));
        return m;
    }

    /**
     * Waits up to {@code timeoutMs} until a snapshot equals {@code expected} (closes complete on the target's event
     * loops after the host's socket closed). @return the last snapshot, equal to {@code expected} unless time ran out
     */
    public Map<String, Integer> settled(Map<String, Integer> expected, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        Map<String, Integer> now = snapshot();
        while (!Objects.equals(now, expected) && System.nanoTime() < end) {
            Thread.sleep(50);
            now = snapshot();
        }
        return now;
    }

    /**
     * Waits up to {@code timeoutMs} for a snapshot that satisfies {@code idle} and stays the same for {@code stableMs}:
     * a baseline taken when nothing is in flight. @return that snapshot, or the last one when time ran out
     */
    public Map<String, Integer> quiet(long stableMs, long timeoutMs, java.util.function.Predicate<Map<String, Integer>> idle)
            throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        Map<String, Integer> last = snapshot();
        long since = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(50);
            Map<String, Integer> now = snapshot();
            if (!now.equals(last) || !idle.test(now)) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= stableMs * 1_000_000) {
                return now;
            }
        }
        return last;
    }

    /** @return open file descriptors of this process ({@code /proc/self/fd}; Linux), sockets included */
    public static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) throw new IllegalStateException("/proc/self/fd is not readable (not Linux?)");
        return fds.length - 1; // the directory stream listing it
    }

    /**
     * Pending timers of a Vert.x instance: the size of {@code io.vertx.core.impl.VertxImpl}'s private {@code timeouts}
     * map (Vert.x 5.0; every {@code setTimer}/{@code setPeriodic} not yet fired or cancelled), read by reflection since
     * Vert.x has no public count.
     */
    public static IntSupplier vertxTimers(Object vertx) {
        try {
            Class<?> c = vertx.getClass();
            Field f = null;
            for (; c != null && f == null; c = c.getSuperclass()) {
                try {
                    f = c.getDeclaredField("timeouts");
                } catch (NoSuchFieldException e) {
                    // look in the superclass
                }
            }
            if (f == null) throw new IllegalStateException("no 'timeouts' field in " + vertx.getClass());
            f.setAccessible(true);
            Map<?, ?> timeouts = (Map<?, ?>) f.get(vertx);
            return timeouts::size;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the timers of " + vertx.getClass(), e);
        }
    }
}
