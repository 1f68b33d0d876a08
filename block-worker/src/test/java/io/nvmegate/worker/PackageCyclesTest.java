package io.nvmegate.worker;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No package cycles among the block worker's packages and the gateway<->worker contract ({@code blockio}), and
 * the layering they document: {@code storage} knows neither the worker nor reservations; {@code worker.reservation}
 * knows storage and blockio but not the worker.
 *
 * <p>Checked twice: on bytecode (ArchUnit) and on the sources' imports. The bytecode alone misses a dependency
 * through a compile-time constant, which javac inlines: {@code worker.reservation} once used
 * {@code BlockWorker.BACKEND_ROCKSDB} and ArchUnit saw no cycle.
 */
class PackageCyclesTest {
    static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.nvmegate.worker", "io.nvmegate.storage", "io.nvmegate.blockio");
    /** Main sources of this module and of the contract package (tests run in the module directory). */
    static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("../cluster/src/main/java/io/nvmegate/blockio"));

    @Test
    void noPackageCyclesInBytecode() {
        slices().matching("io.nvmegate.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void noPackageCyclesInSourceImports() {
        assertThat(cycles(importGraph(SOURCES))).isEmpty();
    }

    @Test
    void layering() {
        noClasses().that().resideInAPackage("io.nvmegate.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.worker..").check(CLASSES);
        noClasses().that().resideInAPackage("io.nvmegate.worker.reservation..")
                .should().dependOnClassesThat().resideInAPackage("io.nvmegate.worker").check(CLASSES);
        noClasses().that().resideInAPackage("io.nvmegate.blockio..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.worker..", "io.nvmegate.storage..", "io.nvmegate.gateway..")
                .check(CLASSES);
    }

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?(io\\.nvmegate\\.[\\w.]+?)\\.([A-Z]\\w*)[\\w.*]*\\s*;", Pattern.MULTILINE);

    /** @return package → packages it imports from (io.nvmegate only; a class's package is the part before its name) */
    static Map<String, Set<String>> importGraph(List<Path> roots) {
        Map<String, Set<String>> g = new TreeMap<>();
        for (Path root : roots) {
            assertThat(root).as("source root").isDirectory();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    Matcher pm = PACKAGE.matcher(src);
                    if (!pm.find()) continue;
                    Set<String> deps = g.computeIfAbsent(pm.group(1), k -> new TreeSet<>());
                    Matcher im = IMPORT.matcher(src);
                    while (im.find()) if (!im.group(2).equals(pm.group(1))) deps.add(im.group(2));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return g;
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
            List<String> cycle = new ArrayList<>(path).subList(0, new ArrayList<>(path).indexOf(p) + 1);
            List<String> ordered = new ArrayList<>(cycle);
            java.util.Collections.reverse(ordered);
            found.add(String.join(" -> ", ordered) + " -> " + p);
            return;
        }
        if (done.contains(p)) return;
        path.push(p);
        for (String q : g.getOrDefault(p, Set.of())) walk(q, g, path, done, found);
        path.pop();
        done.add(p);
    }

    @Test
    void theSourceCheckFindsACycle() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycles(g)).containsExactly("a -> b -> c -> a");
    }
}
