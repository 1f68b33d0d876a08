package io.nvmegate.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package dependency graph read from main sources: imports and fully qualified names in code (comments and
 * string literals removed). It complements ArchUnit's bytecode view, which cannot see a use of a compile-time
 * constant (javac inlines it): {@code worker.reservation} once used {@code BlockWorker.BACKEND_ROCKSDB} and the
 * bytecode showed no cycle.
 */
final class SourceDependencies {
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** {@code io.nvmegate.a.b.Type}: the package is everything before the first capitalised segment. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.nvmegate(?:\\.[a-z]\\w*)+)\\.[A-Z]");
    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"");

    private SourceDependencies() {}

    /** @return package → io.nvmegate packages its main sources refer to, over every {@code MODULE/src/main/java} below {@code root} */
    static Map<String, Set<String>> of(Path root) {
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path src : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(src)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) add(g, Files.readString(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return g;
    }

    static void add(Map<String, Set<String>> g, String source) {
        Matcher pm = PACKAGE.matcher(source);
        if (!pm.find()) return;
        String pkg = pm.group(1);
        Set<String> deps = g.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher rm = REFERENCE.matcher(COMMENTS_AND_STRINGS.matcher(source).replaceAll(" "));
        while (rm.find()) if (!rm.group(1).equals(pkg)) deps.add(rm.group(1));
    }

    /** @return each cycle found, as "a -> b -> a" */
    static List<String> cycles(Map<String, Set<String>> g) {
        List<String> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : g.keySet()) walk(start, g, new ArrayDeque<>(), done, found);
        return found;
    }

    private static void walk(String p, Map<String, Set<String>> g, Deque<String> path, Set<String> done, List<String> found) {
        if (path.contains(p)) {
            List<String> stack = new ArrayList<>(path);
            List<String> cycle = new ArrayList<>(stack.subList(0, stack.indexOf(p) + 1));
            Collections.reverse(cycle);
            found.add(String.join(" -> ", cycle) + " -> " + p);
            return;
        }
        if (done.contains(p)) return;
        path.push(p);
        for (String q : g.getOrDefault(p, Set.of())) walk(q, g, path, done, found);
        path.pop();
        done.add(p);
    }
}
