package io.nvmegate.control;

import io.nvmegate.control.cli.CtlCommand;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The real {@code ctl} commands (picocli, in-process) against a running management API: output and exit codes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtlCommandTest {
    private static final String NQN = "nqn.2026-11.io.example:cli";
    private static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private ApiFixture api;

    record Run(int code, String out, String err) {}

    @BeforeAll
    void start() throws Exception { api = ApiFixture.start(null); }

    @AfterAll
    void stop() { api.close(); }

    private Run ctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new CtlCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--api";
        full[args.length + 1] = api.base;
        int code = cl.execute(full);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void completeSetupThroughTheCli() {
        assertThat(ctl("subsys", "create", "--nqn", NQN, "--allow-any-host", "false", "--serial", "CLI0001").code()).isZero();
        assertThat(ctl("ns", "create", "--nqn", NQN, "--size", "64M", "--backend", "null").code()).isZero();
        assertThat(ctl("port", "create", "--id", "31", "--traddr", "127.0.0.1", "--trsvcid", "14800").code()).isZero();
        assertThat(ctl("port-subsys", "add", "--port", "31", "--nqn", NQN).code()).isZero();
        Run key = ctl("generate-key", "--hash", "sha256");
        assertThat(key.code()).isZero();
        assertThat(key.out().trim()).matches("DHHC-1:01:[A-Za-z0-9+/=]+:");
        assertThat(ctl("host", "create", "--nqn", HOST, "--key", key.out().trim(), "--dh-group", "ffdhe2048").code()).isZero();
        assertThat(ctl("host-subsys", "add", "--nqn", NQN, "--host", HOST).code()).isZero();
        assertThat(ctl("global", "set", "--enabled", "true").code()).isZero();
        assertThat(ctl("global", "set", "--require-auth", "true").code()).isZero();
        assertThat(api.service.catalog().global().requireAuth()).isTrue();
        assertThat(ctl("global", "set", "--require-auth", "false").code()).isZero();
        assertThat(api.service.catalog().global().requireAuth()).isFalse();
        assertThat(ctl("subsys", "update", NQN, "--require-auth", "true").code()).isZero();
        assertThat(api.service.catalog().subsystem(NQN).orElseThrow().requireAuth()).isTrue();
        assertThat(ctl("global", "get", "--json").out()).contains("\"requireAuth\"");

        Run list = ctl("subsys", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("NQN").contains("SERIAL").contains(NQN).contains("CLI0001").contains(HOST);
        Run ns = ctl("ns", "list", "--nqn", NQN);
        assertThat(ns.out().lines().findFirst().orElseThrow()).contains("NSID").contains("SIZE");
        assertThat(ns.out()).contains(String.valueOf(64L << 20));
        Run json = ctl("port", "get", "31", "--json");
        assertThat(new JsonObject(json.out()).getJsonArray("subsystems")).containsExactly(NQN);
        assertThat(ctl("ns", "update", "--nqn", NQN, "--nsid", "1", "--size", "128M").code()).isZero();
        assertThat(api.service.catalog().namespace(NQN, 1).orElseThrow().sizeBytes()).isEqualTo(128L << 20);
        assertThat(ctl("host-subsys", "list", "--nqn", NQN).out().trim()).isEqualTo(HOST);
        assertThat(ctl("choices").out()).contains("ffdhe8192");
    }

    @Test
    void refusalIsExitCode1WithTheField() {
        Run r = ctl("subsys", "create", "--nqn", "not-an-nqn");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("error 400").contains("(field: nqn)");
        Run missing = ctl("port", "get", "999");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("error 404");
    }

    @Test
    void usageErrorIsExitCode2() {
        assertThat(ctl("ns", "create", "--size", "1G").code()).as("--nqn missing").isEqualTo(2);
        assertThat(ctl("frobnicate").code()).isEqualTo(2);
        assertThat(ctl("port", "get", "not-a-number").code()).isEqualTo(2);
    }

    @Test
    void unreachableApiIsExitCode3() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new CtlCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
                .execute("subsys", "list", "--api", "http://127.0.0.1:" + FreePorts.free());
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).contains("cannot reach");
    }

    @Test
    void saveAndRestore(@TempDir Path dir) throws Exception {
        String nqn = "nqn.2026-11.io.example:cli-save";
        assertThat(ctl("subsys", "create", "--nqn", nqn).code()).isZero();
        Run save = ctl("save");
        assertThat(save.code()).isZero();
        Path file = dir.resolve("nvmegate.json");
        Files.writeString(file, save.out());
        assertThat(ctl("subsys", "delete", nqn).code()).isZero();
        assertThat(api.service.catalog().subsystem(nqn)).isEmpty();
        Run restore = ctl("restore", file.toString());
        assertThat(restore.code()).as(restore.err()).isZero();
        assertThat(api.service.catalog().subsystem(nqn)).isPresent();
        assertThat(ctl("restore", dir.resolve("missing.json").toString()).code()).isEqualTo(2);
    }
}
