package io.nvmegate.launcher;

import io.nvmegate.replication.ReplicationOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --raft-port}: default {@value ReplicationOptions#DEFAULT_PORT} (env {@code NVMEGATE_RAFT_PORT}), range checked before anything starts. */
class RaftPortOptionTest {
    @TempDir
    Path dir;

    @Test
    void defaultsTo9870AndParses() {
        Main m = new Main();
        new CommandLine(m).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("worker");
        if (System.getenv("NVMEGATE_RAFT_PORT") == null) assertThat(m.raftPort).isEqualTo(ReplicationOptions.DEFAULT_PORT);
        Main n = new Main();
        new CommandLine(n).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("worker", "--raft-port", "9871");
        assertThat(n.raftPort).isEqualTo(9871);
    }

    @Test
    void anOutOfRangePortIsAConfigurationError() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute("all", "--data",
                    dir.resolve("data").toString(), "--discovery-port", "-1", "--metrics-port", "-1", "--api-port", "-1",
                    "--raft-port", "70000");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--raft-port must be -1..65535, got 70000");
    }
}
