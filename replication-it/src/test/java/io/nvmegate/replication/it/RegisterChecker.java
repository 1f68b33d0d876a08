package io.nvmegate.replication.it;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a {@link History} against a per-block register model: each logical block is a register, each write
 * covering it a write of its value (the write ID), each read a read of it. Operations on different blocks are
 * independent (a multi-block command need not be atomic across blocks, NVMe gives no such promise beyond AWUN).
 * Times are the test JVM's: an operation took effect somewhere inside {@code [invoke, complete]}; a write that got
 * an error may or may not have taken effect, at any time after its invocation.
 *
 * <p>For every block of every read that returned value {@code v}:
 * <ul>
 *   <li><b>corrupt</b>: the block is neither zeroes nor a whole block of one write at this LBA;</li>
 *   <li><b>never written</b>: {@code v} is the ID of no write that covered this block;</li>
 *   <li><b>from the future</b>: the write of {@code v} was invoked after the read completed;</li>
 *   <li><b>stale</b>: an acknowledged write {@code w'} of the block completed before the read was invoked and was
 *       itself invoked after the write of {@code v} completed (so {@code w'} certainly follows it), or {@code v} is
 *       the initial zeroes though some write of the block was acknowledged before the read began. With the final
 *       reads issued after every operation ended, this is "every acknowledged write is readable afterwards";</li>
 *   <li><b>non-monotonic</b>: an earlier read (completed before this one was invoked) returned a value whose write
 *       was invoked after the write of {@code v} completed (a later read went back in time).</li>
 * </ul>
 * Each of these is impossible in a linearizable register; a store that acknowledges a write before it is
 * committed on a majority produces "stale" (or "never written" after a rollback) once the acknowledging leader
 * dies.
 */
public final class RegisterChecker {
    /** Examples of violations kept in the report. */
    static final int EXAMPLES = 20;

    /** The outcome: violation counts by kind and the first few described. */
    public record Result(long blockReads, Map<String, Long> counts, List<String> examples) {
        public boolean ok() { return counts.isEmpty(); }

        public long violations() { return counts.values().stream().mapToLong(Long::longValue).sum(); }

        @Override
        public String toString() {
            if (ok()) return "history OK: " + blockReads + " block reads checked";
            return "history has " + violations() + " violations " + counts + " in " + blockReads + " block reads; first:\n  "
                    + String.join("\n  ", examples);
        }
    }

    private RegisterChecker() {}

    public static Result check(History h) {
        List<History.Write> writes = h.writes();
        Map<Long, History.Write> byId = new HashMap<>();
        Map<Long, List<History.Write>> writesByBlock = new HashMap<>();
        for (History.Write w : writes) {
            byId.put(w.id(), w);
            for (long b = w.slba(); b < w.slba() + w.nlb(); b++) writesByBlock.computeIfAbsent(b, k -> new ArrayList<>()).add(w);
        }
        Map<Long, List<BlockRead>> readsByBlock = new HashMap<>();
        for (History.Read r : h.reads()) {
            for (int i = 0; i < r.nlb(); i++) readsByBlock.computeIfAbsent(r.slba() + i, k -> new ArrayList<>()).add(new BlockRead(r, r.values()[i]));
        }
        Map<String, Long> counts = new TreeMap<>();
        List<String> examples = new ArrayList<>();
        long blockReads = 0;
        long t0 = Math.min(writes.stream().mapToLong(History.Write::invoke).min().orElse(0),
                h.reads().stream().mapToLong(History.Read::invoke).min().orElse(0));
        for (Map.Entry<Long, List<BlockRead>> e : readsByBlock.entrySet()) {
            long lba = e.getKey();
            List<History.Write> ws = writesByBlock.getOrDefault(lba, List.of());
            List<BlockRead> rs = e.getValue();
            blockReads += rs.size();
            for (BlockRead br : rs) {
                String v = single(lba, br, byId, ws, t0);
                if (v != null) violation(counts, examples, v);
            }
            monotonic(lba, rs, byId, counts, examples, t0);
        }
        return new Result(blockReads, counts, examples);
    }

    private record BlockRead(History.Read read, long value) {}

    /** The first rule a single block read breaks, described, or null. */
    private static String single(long lba, BlockRead br, Map<Long, History.Write> byId, List<History.Write> ws, long t0) {
        History.Read r = br.read();
        long v = br.value();
        String at = "LBA " + lba + ": read [" + ms(r.invoke(), t0) + ", " + ms(r.complete(), t0) + "] ms";
        if (v == BlockValues.CORRUPT) return "corrupt: " + at + " returned a block that is neither zeroes nor one write's block of this LBA";
        long doneBefore; // the completion of the returned value's write (-inf for the initial zeroes)
        if (v == BlockValues.INITIAL) {
            doneBefore = Long.MIN_VALUE;
        } else {
            History.Write w = byId.get(v);
            if (w == null || !w.covers(lba)) return "never written: " + at + " returned write " + v + ", which never wrote this block";
            if (w.invoke() > r.complete()) return "from the future: " + at + " returned write " + v + " invoked at " + ms(w.invoke(), t0) + " ms";
            doneBefore = w.complete();
        }
        for (History.Write w2 : ws) {
            if (w2.id() == v || !w2.acknowledged()) continue;
            if (w2.complete() < r.invoke() && w2.invoke() > doneBefore) {
                return "stale: " + at + " returned " + (v == BlockValues.INITIAL ? "the initial zeroes" : "write " + v + describe(byId.get(v), t0))
                        + " but write " + w2.id() + describe(w2, t0) + " was acknowledged before the read began";
            }
        }
        return null;
    }

    /** Later reads must not return a value strictly older than an earlier read's (prefix maximum sweep). */
    private static void monotonic(long lba, List<BlockRead> rs, Map<Long, History.Write> byId, Map<String, Long> counts,
                                  List<String> examples, long t0) {
        List<BlockRead> byComplete = new ArrayList<>(rs);
        byComplete.sort(Comparator.comparingLong(b -> b.read().complete()));
        List<BlockRead> byInvoke = new ArrayList<>(rs);
        byInvoke.sort(Comparator.comparingLong(b -> b.read().invoke()));
        int j = 0;
        long maxInvokeSeen = Long.MIN_VALUE; // latest invocation among the values of reads completed so far
        BlockRead witness = null;
        for (BlockRead r2 : byInvoke) {
            while (j < byComplete.size() && byComplete.get(j).read().complete() < r2.read().invoke()) {
                BlockRead r1 = byComplete.get(j++);
                History.Write w1 = byId.get(r1.value());
                if (r1.value() > 0 && w1 != null && w1.invoke() > maxInvokeSeen) {
                    maxInvokeSeen = w1.invoke();
                    witness = r1;
                }
            }
            if (witness == null || r2.value() == BlockValues.CORRUPT) continue;
            long done2;
            if (r2.value() == BlockValues.INITIAL) {
                done2 = Long.MIN_VALUE;
            } else {
                History.Write w2 = byId.get(r2.value());
                if (w2 == null) continue; // reported as never written
                done2 = w2.complete();
            }
            if (maxInvokeSeen > done2) {
                violation(counts, examples, "non-monotonic: LBA " + lba + ": read [" + ms(r2.read().invoke(), t0) + ", "
                        + ms(r2.read().complete(), t0) + "] ms returned " + (r2.value() == BlockValues.INITIAL ? "the initial zeroes"
                        : "write " + r2.value() + describe(byId.get(r2.value()), t0)) + " after read [" + ms(witness.read().invoke(), t0)
                        + ", " + ms(witness.read().complete(), t0) + "] ms returned the later write " + witness.value()
                        + describe(byId.get(witness.value()), t0));
            }
        }
    }

    private static void violation(Map<String, Long> counts, List<String> examples, String description) {
        counts.merge(description.substring(0, description.indexOf(':')), 1L, Long::sum);
        if (examples.size() < EXAMPLES) examples.add(description);
    }

    private static String describe(History.Write w, long t0) {
        return w == null ? "" : " [" + ms(w.invoke(), t0) + ", " + (w.acknowledged() ? ms(w.complete(), t0) : "error " + w.status()) + "] ms";
    }

    private static String ms(long nanos, long t0) {
        return String.format("%.1f", (nanos - t0) / 1e6);
    }
}
