package io.nvmegate.control;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.catalog.ReplicationView;
import io.nvmegate.control.cli.CtlCommand;
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
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The real {@code ctl} replication commands (picocli, in-process) against a running management API with registered workers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtlReplicationTest {
    private static final String NQN = "nqn.2026-11.io.example:cli-rep";
    private ApiFixture api;

    record Run(int code, String out, String err) {}

    @BeforeAll
    void start() throws Exception {
        api = ApiFixture.start(null);
        for (String w : List.of("worker-1", "worker-2", "worker-3", "worker-4")) api.worker(w);
        assertThat(ctl("subsys", "create", "--nqn", NQN).code()).isZero();
    }

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
    void addShowAndMoveAReplicatedNamespace() {
        Run add = ctl("ns", "add", "--nqn", NQN, "--nsid", "1", "--size", "64M", "--replication-factor", "3",
                "--replicas", "worker-1,worker-2,worker-3");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(api.service.catalog().namespace(NQN, 1).orElseThrow().replicas()).containsExactly("worker-1", "worker-2", "worker-3");

        Run noLeader = ctl("ns", "show", NQN, "1");
        assertThat(noLeader.code()).isZero();
        assertThat(noLeader.out()).contains("replicationFactor").contains("worker-1,worker-2,worker-3").contains("no leader");

        NamespaceSpec n = api.service.catalog().namespace(NQN, 1).orElseThrow();
        new ReplicationView(api.node.hazelcast()).publish(ReplicationApiTest.status(n.uuid(), n.replicas(), "lagging", System.currentTimeMillis()));
        Run show = ctl("ns", "show", NQN, "1");
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).containsPattern("leader\\s+worker-1").containsPattern("term\\s+7").containsPattern("commit index\\s+1000");
        assertThat(show.out()).contains("REPLICA").contains("LAGENTRIES").contains("STATE");
        assertThat(show.out()).containsPattern("worker-2\\s+follower\\s+990\\s+10\\s+40960\\s+lagging");
        assertThat(show.out()).containsPattern("underReplicated\\s+true");
        Run json = ctl("ns", "show", NQN, "1", "--json");
        assertThat(new JsonObject(json.out()).getJsonObject("replication").getString("leader")).isEqualTo("worker-1");
        assertThat(ctl("ns", "list", "--nqn", NQN).out()).contains("REPLICATION").contains("worker-1 (term 7)");

        Run move = ctl("ns", "move-replica", NQN, "1", "--from", "worker-2", "--to", "worker-4");
        assertThat(move.code()).as(move.err()).isZero();
        assertThat(api.service.catalog().namespace(NQN, 1).orElseThrow().replicas()).containsExactly("worker-1", "worker-3", "worker-4");
        assertThat(ctl("ns", "show", NQN, "1").out()).containsPattern("worker-4\\s+-.*not in the group yet");
        Run bad = ctl("ns", "move-replica", NQN, "1", "--from", "worker-2", "--to", "worker-4");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("error 400").contains("(field: from)");
        assertThat(ctl("ns", "move-replica", NQN, "1", "--from", "worker-1").code()).as("--to missing").isEqualTo(2);
        assertThat(ctl("ns", "delete", "--nqn", NQN, "--nsid", "1").code()).isZero();
    }

    @Test
    void tooManyReplicasIsRefusedWithTheField() {
        Run r = ctl("ns", "add", "--nqn", NQN, "--nsid", "2", "--size", "64M", "--replication-factor", "5");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("error 409").contains("4 live").contains("(field: replicationFactor)");
        Run mem = ctl("ns", "add", "--nqn", NQN, "--nsid", "2", "--size", "64M", "--replication-factor", "2", "--backend", "memory");
        assertThat(mem.err()).contains("error 400").contains("(field: backend)");
        Run rf1 = ctl("ns", "show", NQN, "99");
        assertThat(rf1.code()).isEqualTo(1);
    }

    @Test
    void workerListDecommissionRecommission() {
        Run list = ctl("worker", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow()).contains("ID").contains("RAFTADDRESS").contains("LIVE").contains("DRAINING").contains("REPLICAS");
        assertThat(list.out()).containsPattern("worker-3\\s+127\\.0\\.0\\.1:\\d+\\s+true\\s+false");
        Run d = ctl("worker", "decommission", "worker-3");
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(ctl("worker", "list").out()).containsPattern("worker-3\\s+127\\.0\\.0\\.1:\\d+\\s+true\\s+true");
        assertThat(ctl("worker", "recommission", "worker-3").code()).isZero();
        assertThat(ctl("worker", "get", "worker-3", "--json").out()).contains("\"draining\" : false");
        Run ghost = ctl("worker", "decommission", "ghost");
        assertThat(ghost.code()).isEqualTo(1);
        assertThat(ghost.err()).contains("error 404").contains("(field: id)");
    }

    @Test
    void saveAndRestoreKeepTheReplicationFields(@TempDir Path dir) throws Exception {
        assertThat(ctl("ns", "add", "--nqn", NQN, "--nsid", "3", "--size", "16M", "--replication-factor", "2").code()).isZero();
        NamespaceSpec before = api.service.catalog().namespace(NQN, 3).orElseThrow();
        Run save = ctl("save");
        Path file = dir.resolve("nvmegate.json");
        Files.writeString(file, save.out());
        assertThat(ctl("ns", "delete", "--nqn", NQN, "--nsid", "3").code()).isZero();
        Run restore = ctl("restore", file.toString());
        assertThat(restore.code()).as(restore.err()).isZero();
        NamespaceSpec after = api.service.catalog().namespace(NQN, 3).orElseThrow();
        assertThat(after).isEqualTo(before);
        assertThat(after.replicationFactor()).isEqualTo(2);
        assertThat(after.uuid()).isNotEqualTo(new UUID(0, 0));
        assertThat(ctl("ns", "delete", "--nqn", NQN, "--nsid", "3").code()).isZero();
    }
}
