package io.nvmegate.launcher.observability;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.fail;

/** Files of the repository and tools of the machine the observability tests use. */
final class Repo {
    private Repo() {}

    /** The project root (the directory holding compose.yaml), found upwards from the working directory. */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("compose.yaml"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("compose.yaml not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** In CI (environment CI set) a missing tool fails the test; elsewhere it skips it. */
    static Path tool(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        String why = name + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)";
        if (System.getenv("CI") != null) fail(why);
        Assumptions.abort(why);
        return null;
    }
}
