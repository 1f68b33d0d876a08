package io.nvmegate.storage;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes in a child JVM that is then killed with SIGKILL (kill -9) without closing the store; every write that
 * completed before the kill must be readable after reopening. (Process crash only: losing the OS page cache, i.e.
 * power loss, needs FUA or flush, which this test cannot simulate.)
 */
class RocksDbBlockStoreCrashTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"plain", "fua", "flush"})
    void completedWritesSurviveKill9(String mode) throws Exception {
        Path db = dir.resolve("rocksdb");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), CrashChild.class.getName(), db.toString(), mode)
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && !line.equals("DONE")) output.add(line);
            assertThat(line).as("child output: %s", output).isEqualTo("DONE");
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("killed, not exited").isNotEqualTo(3).isNotZero();

        try (RocksDbBlockStore store = new RocksDbBlockStore(db)) {
            for (int lba = 0; lba < CrashChild.BLOCKS; lba++) {
                assertThat(store.read(CrashChild.NS, CrashChild.BS, lba, 1).getBytes()).as("%s block %d", mode, lba)
                        .isEqualTo(CrashChild.expected(lba).getBytes());
            }
            assertThat(store.storedBlocks(CrashChild.NS)).isEqualTo(CrashChild.BLOCKS - 23);
        }
    }
}
