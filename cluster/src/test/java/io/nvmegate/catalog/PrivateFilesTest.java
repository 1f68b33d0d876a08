package io.nvmegate.catalog;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real files on the real file system: the catalog store directory and everything in it, and a written file, are
 * private to the service user (0700 / 0600) from creation; wider existing ones are tightened with a warning.
 */
class PrivateFilesTest {
    @TempDir
    Path tmp;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void capture() {
        // File modes exist only on a POSIX file system (not on Windows, where nvmegate is not deployed): skipped
        // there, never under CI (.ci/run sets CI=true on Linux)
        boolean posix = tmp.getFileSystem().supportedFileAttributeViews().contains("posix");
        if ("true".equals(System.getenv("CI"))) org.assertj.core.api.Assertions.assertThat(posix).as("POSIX file system under CI").isTrue();
        assumeTrue(posix, "POSIX file system");
        logs.start();
        ((Logger) LoggerFactory.getLogger(PrivateFiles.class)).addAppender(logs);
    }

    @AfterEach
    void release() { ((Logger) LoggerFactory.getLogger(PrivateFiles.class)).detachAppender(logs); }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void newDirectoryAndParentsAre0700() throws Exception {
        Path dir = tmp.resolve("data/catalog");
        PrivateFiles.directory(dir);
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.getParent())).isEqualTo("rwx------");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void existingWiderDirectoryIsTightenedWithAWarning() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        PrivateFiles.directory(dir);
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(warnings()).singleElement().asString().contains(dir.toString()).contains("rwxr-xr-x").contains("tightened");
    }

    @Test
    void writtenFileIs0600AndWiderExistingFileIsReplaced() throws Exception {
        Path f = tmp.resolve("nvmegate.json");
        PrivateFiles.write(f, "{\"a\":1}\n");
        assertThat(mode(f)).isEqualTo("rw-------");
        assertThat(Files.readString(f)).isEqualTo("{\"a\":1}\n");
        assertThat(warnings()).isEmpty();

        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateFiles.write(f, "{\"a\":2}\n");
        assertThat(mode(f)).isEqualTo("rw-------");
        assertThat(Files.readString(f)).isEqualTo("{\"a\":2}\n");
        assertThat(warnings()).singleElement().asString().contains(f.toString()).contains("rw-r--r--");
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.toList()).as("no temporary file left").containsExactly(f);
        }
    }

    /** The catalog store: a new one is private throughout; one left open by an older version is tightened. */
    @Test
    void catalogStoreIsPrivate() throws Exception {
        Path dir = tmp.resolve("data/catalog");
        CatalogStore s = CatalogStore.open(dir);
        try {
            s.put(Catalog.HOSTS, "nqn.2014-08.org.nvmexpress:uuid:1", "{\"dhchapKey\":\"DHHC-1:00:...\"}");
        } finally {
            s.release();
        }
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertAllPrivate(dir);
        assertThat(warnings()).isEmpty();

        // as an older nvmegate left it: 0755 directory, 0644 files
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> all = Files.list(dir)) {
            for (Path p : all.toList()) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        s = CatalogStore.open(dir);
        try {
            assertThat(s.get(Catalog.HOSTS, "nqn.2014-08.org.nvmexpress:uuid:1")).contains("dhchapKey");
        } finally {
            s.release();
        }
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertAllPrivate(dir);
        assertThat(warnings()).isNotEmpty().allMatch(w -> w.contains("tightened"));
        String real = dir.toRealPath().toString();
        assertThat(warnings()).anyMatch(w -> w.contains(real + " was accessible"));
    }

    private static void assertAllPrivate(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                assertThat(mode(p)).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        }
    }
}
