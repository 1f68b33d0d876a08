package io.nvmegate.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the replicas of a namespace go: a pure function of the eligible workers (live and not draining, see
 * {@link WorkerDirectory}) and the namespaces already placed. Workers are ranked by their load, fewest replicas
 * first, then fewest bytes (the sum of the {@code sizeBytes} of the namespaces they hold a replica of), then by
 * worker ID (a stable tie-break, so every member computes the same answer from the same catalog).
 */
public final class ReplicaPlacement {
    private ReplicaPlacement() {}

    /**
     * The load of one worker.
     *
     * @param worker   worker ID
     * @param replicas number of namespaces with a replica on it (RF 1 namespaces count on their worker)
     * @param bytes    sum of those namespaces' sizes in bytes
     */
    public record Load(String worker, int replicas, long bytes) {}

    /** Fewest replicas, then fewest bytes, then worker ID. */
    public static final Comparator<Load> ORDER = Comparator.comparingInt(Load::replicas)
            .thenComparingLong(Load::bytes).thenComparing(Load::worker);

    /** @return the load of every worker that holds a replica of one of {@code namespaces}, by worker ID */
    public static Map<String, Load> loads(Collection<NamespaceSpec> namespaces) {
        Map<String, int[]> count = new HashMap<>();
        Map<String, long[]> bytes = new HashMap<>();
        for (NamespaceSpec n : namespaces) {
            for (String w : n.replicas()) {
                count.computeIfAbsent(w, k -> new int[1])[0]++;
                bytes.computeIfAbsent(w, k -> new long[1])[0] += n.sizeBytes();
            }
        }
        Map<String, Load> out = new HashMap<>();
        count.forEach((w, c) -> out.put(w, new Load(w, c[0], bytes.get(w)[0])));
        return out;
    }

    /** @return {@code eligible} ranked least loaded first ({@link #ORDER}) */
    public static List<String> ranked(Collection<String> eligible, Collection<NamespaceSpec> namespaces) {
        Map<String, Load> loads = loads(namespaces);
        return new HashSet<>(eligible).stream().map(w -> loads.getOrDefault(w, new Load(w, 0, 0)))
                .sorted(ORDER).map(Load::worker).toList();
    }

    /**
     * Chooses the replicas of a new (or unplaced) namespace.
     *
     * @param replicationFactor how many distinct workers
     * @param eligible          live, non-draining worker IDs
     * @param namespaces        the namespaces already placed (their load counts; the namespace being placed may be
     *                          among them with no replicas)
     * @return {@code replicationFactor} distinct workers, least loaded first (the first is the preferred leader);
     *         empty when fewer than {@code replicationFactor} workers are eligible
     */
    public static Optional<List<String>> place(int replicationFactor, Collection<String> eligible,
                                               Collection<NamespaceSpec> namespaces) {
        List<String> r = ranked(eligible, namespaces);
        if (r.size() < replicationFactor) return Optional.empty();
        return Optional.of(List.copyOf(r.subList(0, replicationFactor)));
    }

    /**
     * Chooses where replica {@code from} of {@code ns} moves to (a decommission).
     *
     * @return the least loaded eligible worker that is not already a replica of {@code ns}; empty when none
     */
    public static Optional<String> replacement(NamespaceSpec ns, String from, Collection<String> eligible,
                                               Collection<NamespaceSpec> namespaces) {
        Set<String> taken = new HashSet<>(ns.replicas());
        taken.add(from);
        return ranked(eligible, namespaces).stream().filter(w -> !taken.contains(w)).findFirst();
    }

    /**
     * @return {@code replicas} with {@code from} removed and {@code to} appended: the new worker is last (it starts
     *         empty and catches up), so it does not become the preferred leader; the order of the others is kept
     * @throws IllegalArgumentException when {@code from} is not in {@code replicas} or {@code to} already is
     */
    public static List<String> moved(List<String> replicas, String from, String to) {
        if (!replicas.contains(from)) throw new IllegalArgumentException("namespace.replicas: " + from + " is not a replica " + replicas);
        if (replicas.contains(to)) throw new IllegalArgumentException("namespace.replicas: " + to + " is already a replica " + replicas);
        List<String> out = new ArrayList<>(replicas);
        out.remove(from);
        out.add(to);
        return List.copyOf(out);
    }
}
