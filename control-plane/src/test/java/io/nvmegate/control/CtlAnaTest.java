package io.nvmegate.control;

import io.nvmegate.ana.AnaOwner;
import io.nvmegate.ana.GatewayDirectory;
import io.nvmegate.control.cli.CtlCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code ctl ana} and {@code ctl gateway} commands (picocli, in-process) against a running management API:
 * two subsystems (group 2 exists in both, group 1 only in the first), gateways gw-a and gw-b registered by lease
 * records in {@link GatewayDirectory}, a live block worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtlAnaTest {
    private static final String NQN = "nqn.2026-11.io.example:cli-ana";
    private static final String OTHER = "nqn.2026-11.io.example:cli-ana-2";
    private ApiFixture api;
    private GatewayDirectory gateways;

    record Run(int code, String out, String err) {}

    @BeforeAll
    void start() throws Exception {
        api = ApiFixture.start(null);
        api.worker("worker-1");
        gateways = new GatewayDirectory(api.node.hazelcast());
        long now = gateways.now();
        for (String g : new String[] {"gw-a", "gw-b"}) gateways.renew(new GatewayDirectory.GatewayInfo(g, UUID.randomUUID(), now + 600_000, now));
        for (String nqn : new String[] {NQN, OTHER}) assertThat(ctl("subsys", "create", "--nqn", nqn).code()).isZero();
        for (int nsid = 1; nsid <= 2; nsid++) {
            assertThat(ctl("ns", "create", "--nqn", NQN, "--nsid", Integer.toString(nsid), "--size", "1M", "--worker", "worker-1").code()).isZero();
        }
        assertThat(ctl("ns", "create", "--nqn", OTHER, "--nsid", "2", "--size", "1M", "--worker", "worker-1").code()).isZero();
        assertThat(ctl("port", "create", "--id", "1", "--traddr", "127.0.0.1", "--trsvcid", "14420", "--gateway", "gw-a").code()).isZero();
        assertThat(ctl("port", "create", "--id", "2", "--traddr", "127.0.0.1", "--trsvcid", "14421", "--gateway", "gw-b").code()).isZero();
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
        return new Run(cl.execute(full), out.toString(), err.toString());
    }

    private AnaOwner entry(String nqn, int g) {
        String v = api.node.hazelcast().<String, String>getMap(AnaOwner.MAP).get(AnaOwner.key(nqn, g));
        return v == null ? null : AnaOwner.fromJson(new JsonObject(v));
    }

    @Test
    void anaListsEveryGroupWithEachGatewaysState() {
        Run list = ctl("ana");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow()).contains("SUBSYSTEM", "GROUP", "NSIDS", "STORAGE", "HOME", "OWNER", "PHASE", "PINNED", "STATES");
        assertThat(list.out()).containsPattern(NQN.replace(".", "\\.") + "\\s+2\\s+2\\s+up\\s+-\\s+-\\s+-\\s+-\\s+false\\s+gw-a=optimized gw-b=optimized");
        assertThat(list.out()).containsPattern(OTHER.replace(".", "\\.") + "\\s+2\\s+2\\s+up");
        assertThat(ctl("ana", "list").out()).isEqualTo(list.out());
        JsonArray json = new JsonArray(ctl("ana", "--json").out());
        assertThat(json).hasSize(3);
        JsonObject g2 = json.stream().map(JsonObject.class::cast).filter(o -> o.getString("subsystem").equals(NQN) && o.getInteger("group") == 2)
                .findFirst().orElseThrow();
        assertThat(g2.getJsonObject("states")).as("no balancer ran: every path optimized").isEqualTo(JsonObject.of("gw-a", "optimized", "gw-b", "optimized"));
    }

    @Test
    void moveAndUnpinResolveTheSubsystemOrAskForIt() {
        Run move = ctl("ana", "move", "1", "--to", "gw-b");
        assertThat(move.code()).as(move.err()).isZero();
        assertThat(entry(NQN, 1)).extracting(AnaOwner::home, AnaOwner::pinned).containsExactly("gw-b", true);
        assertThat(move.out()).containsPattern("home\\s+gw-b").containsPattern("pinned\\s+true");
        assertThat(ctl("ana").out()).containsPattern(NQN.replace(".", "\\.") + "\\s+1\\s+1\\s+up\\s+gw-b\\s+gw-b\\s+-\\s+OWNED\\s+true\\s+gw-a=non-optimized gw-b=optimized");

        Run ambiguous = ctl("ana", "move", "2", "--to", "gw-a");
        assertThat(ambiguous.code()).as("group 2 is in two subsystems").isEqualTo(2);
        assertThat(ambiguous.err()).contains("--subsystem").contains(NQN).contains(OTHER);
        Run given = ctl("ana", "move", "2", "--to", "gw-a", "--subsystem", OTHER);
        assertThat(given.code()).as(given.err()).isZero();
        assertThat(entry(OTHER, 2).home()).isEqualTo("gw-a");
        assertThat(entry(NQN, 2)).isNull();

        Run none = ctl("ana", "move", "7", "--to", "gw-a");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("error 404").contains("(field: group)");
        Run ghost = ctl("ana", "move", "1", "--to", "gw-nobody");
        assertThat(ghost.code()).isEqualTo(1);
        assertThat(ghost.err()).contains("error 404").contains("(field: to)");
        assertThat(ctl("ana", "move", "1").code()).as("--to missing").isEqualTo(2);

        Run unpin = ctl("ana", "unpin", "1");
        assertThat(unpin.code()).as(unpin.err()).isZero();
        assertThat(entry(NQN, 1).pinned()).isFalse();
        assertThat(ctl("ana", "unpin", "2", "--subsystem", OTHER).code()).isZero();
        assertThat(entry(OTHER, 2).pinned()).isFalse();
        assertThat(ctl("ana", "unpin", "2").code()).isEqualTo(2);
    }

    @Test
    void gatewayListDrainUndrain() {
        Run list = ctl("gateway", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow()).contains("ID", "MEMBER", "LIVE", "LEASEUNTIL", "DRAINING", "PORTS", "OWNED");
        assertThat(list.out()).containsPattern("gw-a\\s+[0-9a-f-]{36}\\s+true\\s+\\d+\\s+\\d+\\s+false\\s+1");
        Run d = ctl("gateway", "drain", "gw-a");
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(gateways.draining("gw-a")).isTrue();
        assertThat(ctl("gateway", "get", "gw-a", "--json").out()).contains("\"draining\" : true");
        Run last = ctl("gateway", "drain", "gw-b");
        assertThat(last.code()).isEqualTo(1);
        assertThat(last.err()).contains("error 409").contains("(field: id)");
        assertThat(ctl("gateway", "undrain", "gw-a").code()).isZero();
        assertThat(gateways.draining("gw-a")).isFalse();
        Run ghost = ctl("gateway", "drain", "gw-nobody");
        assertThat(ghost.code()).isEqualTo(1);
        assertThat(ghost.err()).contains("error 404").contains("(field: id)");
    }
}
