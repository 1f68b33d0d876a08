package io.nvmegate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The committed inputs of a Jazzer fuzz test ({@code src/test/resources/<package>/<Class>Inputs/<method>/}, relative to
 * the module directory, which is Surefire's working directory): the seeds a {@code *FuzzSeedsTest} makes from real
 * encoders and recorded sessions ({@code seed-<name>}), next to the fuzzer's findings ({@code finding-<sha1>}). Jazzer
 * replays every file there as a regression test in each build and starts fuzzing from them (docs/fuzz-corpus.md).
 * {@code -Dfuzz.writeSeeds=true} makes the seeds tests (re)write their seeds; without it they check the committed ones.
 */
public final class FuzzSeeds {
    /** System property: true to (re)write the seed files. */
    public static final String WRITE_PROPERTY = "fuzz.writeSeeds";
    /** File name prefix of a seed. */
    public static final String SEED_PREFIX = "seed-";

    private FuzzSeeds() {}

    /** @return true when the seeds tests are to write their seeds ({@code -Dfuzz.writeSeeds=true}) */
    public static boolean writing() {
        return Boolean.getBoolean(WRITE_PROPERTY);
    }

    /** @return the Inputs directory of {@code fuzzTest}'s method {@code method} */
    public static Path dir(Class<?> fuzzTest, String method) {
        return Path.of("src", "test", "resources").resolve(fuzzTest.getPackageName().replace('.', '/'))
                .resolve(fuzzTest.getSimpleName() + "Inputs").resolve(method);
    }

    /** Writes {@code input} as {@code seed-<name>} (replacing an older one). */
    public static void write(Class<?> fuzzTest, String method, String name, byte[] input) {
        try {
            Path d = dir(fuzzTest, method);
            Files.createDirectories(d);
            Files.write(d.resolve(SEED_PREFIX + name), input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the committed seeds of {@code fuzzTest#method} by file name ({@code seed-*} only), sorted */
    public static Map<String, byte[]> read(Class<?> fuzzTest, String method) {
        Map<String, byte[]> out = new TreeMap<>();
        Path d = dir(fuzzTest, method);
        if (!Files.isDirectory(d)) return out;
        try (Stream<Path> files = Files.list(d)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith(SEED_PREFIX)) out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
