package io.nvmegate.launcher.observability;

import io.nvmegate.launcher.RoleProcess;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DiscoveryLog;
import io.nvmegate.client.DiscoveryLogEntry;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.nvmegate.launcher.observability.ComposeFileTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * compose.yaml without Docker: its six nvmegate services (three block workers, two gateways, the discovery
 * service) run as separate JVMs on 127.0.0.1 with the commands and environment variables compose gives them
 * (host names and ports mapped to 127.0.0.1 and free ports, the catalog deploy/nvmegate.json likewise: both
 * namespaces replicated on the three workers, replication factor 3), a workload runs through the host library,
 * and a real Prometheus scrapes every service with deploy/prometheus.yml adapted to those ports: promtool checks
 * the config and every service's metrics, and PromQL returns the workload's I/O counters. Then the Raft leader of
 * NSID 1 (as the management API names it) is killed with kill -9: the data written before reads back, new writes
 * complete, the API names another leader, and the restarted worker rejoins its group as a healthy replica.
 * Health flips to ready after the cluster join and to not ready on shutdown (SIGTERM).
 */
class ComposeWithoutDockerTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:disk1";
    static final int BS = 4096;

    @TempDir
    Path dir;

    private final Map<String, Integer> clusterPorts = new LinkedHashMap<>();
    private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();
    private final Map<String, Integer> raftPorts = new LinkedHashMap<>();
    private final Map<String, Integer> apiPorts = new LinkedHashMap<>(); // gateways: the API on a free port (compose: 8080 in each container)
    private byte[][] written; // the workload's blocks: write i is NSID 1 + i % 2, LBA i * 4
    private final Map<Integer, Integer> nvmePorts = new LinkedHashMap<>(); // compose port -> test port
    private final List<RoleProcess> running = new ArrayList<>();

    @Test
    void composeServicesAsProcessesScrapedByPrometheus() throws Exception {
        Path prometheus = Repo.tool("prometheus", "prometheus");
        Path promtool = Repo.tool("promtool", "prometheus");
        Map<String, Object> services = map(ComposeFileTest.compose().get("services"));
        for (String s : ComposeFileTest.NVMEGATE_SERVICES) {
            clusterPorts.put(s, FreePorts.free());
            metricsPorts.put(s, FreePorts.free());
        }
        for (String w : ComposeFileTest.WORKERS) raftPorts.put(w, FreePorts.free());
        for (String g : List.of("gateway-1", "gateway-2")) apiPorts.put(g, FreePorts.free());
        int discoveryPort = FreePorts.free();
        Path catalog = catalog();
        clusterTls();
        Process prom = null;
        try {
            // start in compose's depends_on order: worker-1, then worker-2 and worker-3, then gateways and discovery
            Map<String, List<Integer>> seen = new LinkedHashMap<>();
            start("worker-1", services, catalog, discoveryPort);
            seen.put("worker-1", awaitReady("worker-1"));
            for (String s : List.of("worker-2", "worker-3")) start(s, services, catalog, discoveryPort);
            for (String s : List.of("worker-2", "worker-3")) seen.put(s, awaitReady(s));
            for (String s : List.of("gateway-1", "gateway-2", "discovery")) start(s, services, catalog, discoveryPort);
            for (String s : List.of("gateway-1", "gateway-2", "discovery")) seen.put(s, awaitReady(s));
            // the HTTP server comes up before the cluster join: some service answered 503 before it was ready
            assertThat(seen.values()).as("/health/ready answers before ready: %s", seen).anyMatch(l -> l.contains(503));
            for (String s : ComposeFileTest.NVMEGATE_SERVICES) {
                assertThat(Http.get(url(s, "/health/live")).status()).isEqualTo(200);
                runComposeHealthcheck(services, s);
            }

            long[] io = workload(discoveryPort);
            long writtenGw1 = io[0], readGw1 = io[1], readGw2 = io[2];

            // every service's /metrics passes promtool's lint, and every nvmegate_* family is documented
            String docs = Files.readString(Repo.root().resolve("docs/metrics.md"));
            Map<String, String> scraped = new LinkedHashMap<>();
            for (String s : ComposeFileTest.NVMEGATE_SERVICES) {
                String text = Http.get(url(s, "/metrics")).body();
                scraped.put(s, text);
                Path f = dir.resolve(s + ".prom");
                Files.writeString(f, text);
                ProcessResult r = run(List.of(promtool.toString(), "check", "metrics"), f);
                assertThat(r.exit).as("promtool check metrics on %s:\n%s", s, r.output).isZero();
                for (String f0 : PrometheusText.families(text, "nvmegate_")) {
                    String family = f0.replaceAll("_seconds_max$", "_seconds"); // a histogram's max gauge
                    assertThat(docs).as("docs/metrics.md documents %s (%s)", family, s).contains("`" + family + "`");
                }
            }
            assertThat(PrometheusText.sum(scraped.get("gateway-1"), "nvmegate_bytes_written_total", Map.of())).isEqualTo(writtenGw1);
            assertThat(PrometheusText.sum(scraped.get("gateway-1"), "nvmegate_commands_total",
                    Map.of("opcode", "write", "status", "success", "nsid", "1"))).isEqualTo(writtenGw1 / BS / 4 / 2);
            assertThat(PrometheusText.sum(scraped.get("discovery"), "nvmegate_discovery_log_reads_total", Map.of("role", "discovery"))).isGreaterThanOrEqualTo(1);
            // both namespaces are replicated (RF 3): their writes are Raft log entries, timed by the leader's commit
            // latency (the storage timer counts the RF 1 path's store calls)
            double commits = 0;
            for (String w : List.of("worker-1", "worker-2", "worker-3")) {
                if (scraped.get(w).contains("nvmegate_replication_commit_latency_seconds_count{")) { // leaders only
                    commits += PrometheusText.sum(scraped.get(w), "nvmegate_replication_commit_latency_seconds_count", Map.of());
                }
            }
            assertThat(commits).as("replicated writes committed").isPositive();
            assertThat(PrometheusText.sum(scraped.get("worker-1"), "nvmegate_rocksdb_block_cache_capacity_bytes", Map.of("worker", "worker-1"))).isEqualTo(64 << 20);
            assertThat(PrometheusText.sum(scraped.get("gateway-2"), "nvmegate_eventbus_round_trip_seconds_count", Map.of("op", "read", "outcome", "success"))).isPositive();
            assertThat(PrometheusText.sum(scraped.get("gateway-2"), "nvmegate_cluster_members", Map.of())).isEqualTo(6);
            assertThat(scraped.get("gateway-1")).contains("vertx_net_server_", "jvm_memory_used_bytes");

            // a real Prometheus with the repo's prometheus.yml, pointed at these ports
            int promPort = FreePorts.free();
            Path promConfig = prometheusConfig(promPort);
            ProcessResult check = run(List.of(promtool.toString(), "check", "config", promConfig.toString()), null);
            assertThat(check.exit).as("promtool check config:\n%s", check.output).isZero();
            prom = new ProcessBuilder(prometheus.toString(), "--config.file=" + promConfig, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + promPort, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            String api = "http://127.0.0.1:" + promPort;
            awaitTrue(() -> Http.get(api + "/-/ready").status() == 200, Duration.ofSeconds(30), "Prometheus ready");
            awaitTrue(() -> query(api, "sum(up{job=\"nvmegate\"})") == 6, Duration.ofSeconds(30), "all 6 services up in Prometheus");
            awaitTrue(() -> query(api, "sum(nvmegate_bytes_written_total{service=\"gateway-1\"})") == writtenGw1, Duration.ofSeconds(20),
                    "PromQL: bytes written through gateway-1 = " + writtenGw1);
            assertThat(query(api, "sum(nvmegate_bytes_read_total{service=\"gateway-1\"})")).isEqualTo(readGw1);
            assertThat(query(api, "sum(nvmegate_bytes_read_total{service=\"gateway-2\"})")).isEqualTo(readGw2);
            assertThat(query(api, "sum(nvmegate_bytes_written_total{job=\"nvmegate\",nsid=\"2\"})")).isEqualTo(writtenGw1 / 2);
            assertThat(query(api, "sum by (service) (nvmegate_cluster_members)")).isEqualTo(6); // first series: 6 members
            // every dashboard query is valid PromQL for this Prometheus
            for (String expr : dashboardQueries()) {
                JsonObject r = new JsonObject(Http.get(api + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).body());
                assertThat(r.getString("status")).as("dashboard query %s: %s", expr, r).isEqualTo("success");
            }

            leaderKilled(services, catalog, discoveryPort);

            // SIGTERM: every service is not ready (503) while it shuts down, then gone
            for (RoleProcess p : running) p.terminate();
            Map<String, List<Integer>> after = new LinkedHashMap<>();
            for (RoleProcess p : running) after.put(p.name, new ArrayList<>());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (after.values().stream().anyMatch(l -> l.isEmpty() || l.get(l.size() - 1) != -1) && System.nanoTime() < end) {
                for (Map.Entry<String, List<Integer>> e : after.entrySet()) {
                    List<Integer> l = e.getValue();
                    if (!l.isEmpty() && l.get(l.size() - 1) == -1) continue;
                    int st = Http.get(url(e.getKey(), "/health/ready")).status();
                    if (l.isEmpty() || l.get(l.size() - 1) != st) l.add(st);
                }
                Thread.sleep(5);
            }
            for (RoleProcess p : running) {
                List<Integer> statuses = after.get(p.name);
                if (!statuses.isEmpty() && statuses.get(0) == 200) statuses.remove(0); // polled before the JVM handled the signal
                assertThat(statuses).as("%s /health/ready after SIGTERM", p.name).containsExactly(503, -1);
                assertThat(p.process.waitFor(40, TimeUnit.SECONDS)).isTrue();
                assertThat(p.tail()).contains("nvmegate stopped");
            }
        } catch (Throwable t) {
            StringBuilder logs = new StringBuilder();
            for (RoleProcess p : running) logs.append("---- ").append(p.name).append('\n').append(p.tail()).append('\n');
            Path pl = dir.resolve("prometheus.log");
            if (Files.exists(pl)) logs.append("---- prometheus\n").append(Files.readString(pl));
            throw new AssertionError(t.getMessage() + "\n" + logs, t);
        } finally {
            for (RoleProcess p : running) p.close();
            if (prom != null) {
                prom.destroy();
                if (!prom.waitFor(20, TimeUnit.SECONDS)) prom.destroyForcibly();
            }
        }
    }

    /** Runs deploy/cluster-certs.sh (openssl) as README says, into the test directory instead of deploy/cluster-tls. */
    private void clusterTls() throws Exception {
        Repo.tool("openssl", "openssl");
        ProcessResult r = run(List.of("bash", Repo.root().resolve("deploy/cluster-certs.sh").toString(), "--out",
                dir.resolve("cluster-tls").toString()), null);
        assertThat(r.exit).as("deploy/cluster-certs.sh: %s", r.output).isZero();
    }

    /**
     * The file a container sees at {@code /run/secrets/TARGET}: the service's secret with that target, whose
     * top-level {@code file} (under ./deploy/cluster-tls/) is taken from what {@link #clusterTls()} made.
     */
    private Path secretFile(Map<String, Object> service, String containerPath) throws Exception {
        assertThat(containerPath).startsWith("/run/secrets/");
        String target = containerPath.substring("/run/secrets/".length());
        String source = ((List<?>) service.get("secrets")).stream().map(ComposeFileTest::map)
                .filter(m -> target.equals(m.get("target"))).map(m -> m.get("source").toString()).findFirst()
                .orElseThrow(() -> new AssertionError("no secret with target " + target));
        String file = map(map(ComposeFileTest.compose().get("secrets")).get(source)).get("file").toString();
        assertThat(file).startsWith("./deploy/cluster-tls/");
        Path made = dir.resolve("cluster-tls").resolve(Path.of(file).getFileName());
        assertThat(made).as("deploy/cluster-certs.sh makes %s", file).isRegularFile();
        return made;
    }

    /** deploy/nvmegate.json with 127.0.0.1 and free ports instead of 0.0.0.0:4420/4421. */
    private Path catalog() throws Exception {
        JsonObject c = new JsonObject(Files.readString(Repo.root().resolve("deploy/nvmegate.json")));
        for (Object o : c.getJsonArray("ports")) {
            JsonObject p = (JsonObject) o;
            int port = FreePorts.free();
            nvmePorts.put(p.getInteger("trsvcid"), port);
            p.put("traddr", "127.0.0.1").put("trsvcid", port);
        }
        Path f = dir.resolve("nvmegate.json");
        Files.writeString(f, c.encodePrettily());
        return f;
    }

    /** Starts compose service {@code name} with its compose command and environment, mapped to this machine. */
    private void start(String name, Map<String, Object> services, Path catalog, int discoveryPort) throws Exception {
        Map<String, Object> s = map(services.get(name));
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map(s.get("environment")).entrySet()) {
            String v = String.valueOf(e.getValue());
            switch (e.getKey()) {
                case "NVMEGATE_CLUSTER_HOST" -> env.put(e.getKey(), "127.0.0.1");
                case "NVMEGATE_CLUSTER_PORT" -> env.put(e.getKey(), Integer.toString(clusterPorts.get(name)));
                case "NVMEGATE_MEMBERS" -> env.put(e.getKey(), Arrays.stream(v.split(","))
                        .map(m -> "127.0.0.1:" + clusterPorts.get(m.split(":")[0])).reduce((a, b) -> a + "," + b).orElseThrow());
                case "NVMEGATE_CONFIG" -> env.put(e.getKey(), catalog.toString());
                case "NVMEGATE_DATA" -> env.put(e.getKey(), dir.resolve("volumes").resolve(name).toString());
                case "NVMEGATE_METRICS_PORT" -> env.put(e.getKey(), Integer.toString(metricsPorts.get(name)));
                case "NVMEGATE_DISCOVERY_PORT" -> env.put(e.getKey(), Integer.toString(discoveryPort));
                case "NVMEGATE_RAFT_PORT" -> {
                    assertThat(raftPorts).as("only workers set NVMEGATE_RAFT_PORT").containsKey(name);
                    env.put(e.getKey(), Integer.toString(raftPorts.get(name)));
                }
                case "NVMEGATE_BIND" -> env.put(e.getKey(), "127.0.0.1");
                case "NVMEGATE_ADVERTISE" -> {
                    assertThat(v).isEqualTo("${NVMEGATE_ADVERTISE:-127.0.0.1}");
                    env.put(e.getKey(), "127.0.0.1");
                }
                case "NVMEGATE_CLUSTER_TLS_CERT", "NVMEGATE_CLUSTER_TLS_KEY", "NVMEGATE_CLUSTER_TLS_CA", "NVMEGATE_CLUSTER_SECRET_KEY" ->
                        env.put(e.getKey(), secretFile(s, v).toString());
                case "NVMEGATE_WORKER_ID", "NVMEGATE_GATEWAY_ID", "HZ_PHONE_HOME_ENABLED" -> env.put(e.getKey(), v);
                default -> fail("compose sets " + e.getKey() + " for " + name + ": teach this test how to map it to 127.0.0.1");
            }
        }
        env.put("NVMEGATE_METRICS_HOST", "127.0.0.1"); // tests listen on 127.0.0.1 only (compose: 0.0.0.0 in the container)
        env.putIfAbsent("NVMEGATE_BIND", "127.0.0.1");
        if (apiPorts.containsKey(name)) env.put("NVMEGATE_API_PORT", Integer.toString(apiPorts.get(name))); // compose: 8080 per container
        env.put("NVMEGATE_CLUSTER_NAME", "it-compose-" + discoveryPort);
        List<String> args = new ArrayList<>();
        for (Object a : (List<?>) s.get("command")) args.add(a.toString());
        running.add(RoleProcess.start(name, dir, args, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), env));
    }

    private RoleProcess process(String name) {
        return running.stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow();
    }

    /** Polls /health/ready until 200; @return the distinct statuses seen in order (-1: nothing listening). */
    private List<Integer> awaitReady(String name) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            int st = Http.get(url(name, "/health/ready")).status();
            if (statuses.isEmpty() || statuses.get(statuses.size() - 1) != st) statuses.add(st);
            if (st == 200) {
                assertThat(Files.readString(process(name).log)).contains("nvmegate ready"); // logged before health turns ready
                assertThat(Files.readString(process(name).log)).as("%s: the compose event bus runs TLS, host secrets sealed", name)
                        .contains("cluster event bus: TLS 1.3, mutual authentication").contains("host secrets sealed");
                return statuses;
            }
            if (!process(name).process.isAlive()) fail(name + " exited " + process(name).process.exitValue());
            Thread.sleep(50);
        }
        throw new AssertionError(name + " not ready after 90 s, statuses " + statuses);
    }

    /** Runs the service's compose healthcheck command (CMD form) against its test port. */
    private void runComposeHealthcheck(Map<String, Object> services, String name) throws Exception {
        List<?> test = (List<?>) map(map(services.get(name)).get("healthcheck")).get("test");
        assertThat(test.get(0)).isEqualTo("CMD");
        List<String> cmd = new ArrayList<>();
        for (Object o : test.subList(1, test.size())) cmd.add(o.toString().replace("127.0.0.1:9420", "127.0.0.1:" + metricsPorts.get(name)));
        Repo.tool(cmd.get(0), cmd.get(0));
        ProcessResult r = run(cmd, null);
        assertThat(r.exit).as("compose healthcheck %s of %s: %s", cmd, name, r.output).isZero();
    }

    /**
     * Discovers both gateway ports, writes NSID 1 and 2 through gateway-1 and reads them back through both
     * gateways. @return {bytes written via gateway-1, bytes read via gateway-1, bytes read via gateway-2}
     */
    private long[] workload(int discoveryPort) {
        DiscoveryLog log = NvmeTcpHost.discover("127.0.0.1", discoveryPort);
        assertThat(log.subsystemEntries()).extracting(DiscoveryLogEntry::trsvcid)
                .containsExactlyInAnyOrder(Integer.toString(nvmePorts.get(4420)), Integer.toString(nvmePorts.get(4421)));
        assertThat(log.subsystemEntries()).allSatisfy(e -> assertThat(e.traddr()).isEqualTo("127.0.0.1"));
        int writes = 24, nlb = 4;
        SplittableRandom rnd = new SplittableRandom(6);
        byte[][] data = new byte[writes][];
        written = data;
        long written = 0, read1 = 0, read2 = 0;
        try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", nvmePorts.get(4420)).subsystemNqn(NQN).ioQueues(2).build())) {
            for (int i = 0; i < writes; i++) {
                data[i] = new byte[nlb * BS];
                for (int j = 0; j < data[i].length; j += 64) data[i][j] = (byte) rnd.nextInt();
                c.write(1 + i % 2, (long) i * nlb, data[i], BS, false);
                written += data[i].length;
            }
            c.flush(1);
            c.flush(2);
            for (int i = 0; i < writes; i++) {
                assertThat(c.read(1 + i % 2, (long) i * nlb, nlb, BS)).isEqualTo(data[i]);
                read1 += (long) nlb * BS;
            }
        }
        try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", nvmePorts.get(4421)).subsystemNqn(NQN).ioQueues(1).build())) {
            for (int i = 0; i < writes; i += 3) {
                assertThat(c.read(1 + i % 2, (long) i * nlb, nlb, BS)).isEqualTo(data[i]);
                read2 += (long) nlb * BS;
            }
        }
        return new long[] {written, read1, read2};
    }

    /**
     * kill -9 of NSID 1's Raft leader (named by the management API, {@code replication.leader} of GET namespace):
     * through gateway-1 every block the workload wrote reads back and new writes to both namespaces complete
     * (the gateway re-routes to the new leader; a host command waits, it never fails); the API names another
     * leader; the killed worker, started again with the same volume, is a healthy replica again.
     */
    private void leaderKilled(Map<String, Object> services, Path catalog, int discoveryPort) throws Exception {
        String leader = awaitLeader(null, Duration.ofSeconds(30));
        assertThat(ComposeFileTest.WORKERS).contains(leader);
        RoleProcess victim = process(leader);
        long t0 = System.nanoTime();
        victim.kill();
        running.remove(victim);
        int nlb = 4;
        try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", nvmePorts.get(4420)).subsystemNqn(NQN).ioQueues(1).build())) {
            for (int i = 0; i < written.length; i++) {
                assertThat(c.read(1 + i % 2, (long) i * nlb, nlb, BS)).as("write %d after %s was killed", i, leader).isEqualTo(written[i]);
            }
            SplittableRandom rnd = new SplittableRandom(14);
            for (int i = 0; i < 8; i++) {
                byte[] d = new byte[nlb * BS];
                rnd.nextBytes(d);
                long slba = 1024 + (long) i * nlb;
                c.write(1 + i % 2, slba, d, BS, i % 4 == 0);
                assertThat(c.read(1 + i % 2, slba, nlb, BS)).isEqualTo(d);
            }
            c.flush(1);
            c.flush(2);
        }
        String next = awaitLeader(leader, Duration.ofSeconds(30));
        System.out.printf("compose failover: kill -9 %s (leader of NSID 1), I/O done and %s named leader after %d ms%n",
                leader, next, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        start(leader, services, catalog, discoveryPort);
        awaitReady(leader);
        awaitTrue(() -> replication().getJsonArray("replicas", new JsonArray()).stream().map(JsonObject.class::cast)
                        .anyMatch(r -> leader.equals(r.getString("worker"))
                                && ("healthy".equals(r.getString("state")) || "leader".equals(r.getString("role")))),
                Duration.ofSeconds(60), leader + " a healthy replica of NSID 1 again");
    }

    /** @return the {@code replication} object of GET NSID 1 on gateway-1's management API (empty if none yet) */
    private JsonObject replication() {
        String nqn = URLEncoder.encode(NQN, StandardCharsets.UTF_8);
        Http.Response r = Http.get("http://127.0.0.1:" + apiPorts.get("gateway-1") + "/api/v1/subsystems/" + nqn + "/namespaces/1");
        if (r.status() != 200) return new JsonObject();
        JsonObject rep = new JsonObject(r.body()).getJsonObject("replication");
        return rep == null ? new JsonObject() : rep;
    }

    /** Waits for the API to name a leader of NSID 1 other than {@code not}; @return it */
    private String awaitLeader(String not, Duration timeout) throws Exception {
        String[] leader = new String[1];
        awaitTrue(() -> {
            leader[0] = replication().getString("leader");
            return leader[0] != null && !leader[0].equals(not);
        }, timeout, "the API names a leader of NSID 1" + (not == null ? "" : " other than " + not));
        return leader[0];
    }

    /**
     * deploy/prometheus.yml with every service:9420 target at its test port, scraping every second, and the
     * alerting rules it loads (deploy/prometheus-alerts.yml) beside it.
     */
    private Path prometheusConfig(int promPort) throws Exception {
        String y = Files.readString(Repo.root().resolve("deploy/prometheus.yml"));
        for (Map.Entry<String, Integer> e : metricsPorts.entrySet()) {
            String target = "\"" + e.getKey() + ":9420\"";
            assertThat(y).contains(target);
            y = y.replace(target, "\"127.0.0.1:" + e.getValue() + "\"");
        }
        y = y.replace("\"localhost:9090\"", "\"127.0.0.1:" + promPort + "\"")
                .replaceAll("scrape_interval: \\d+s", "scrape_interval: 1s")
                .replaceAll("scrape_timeout: \\d+s", "scrape_timeout: 1s")
                .replaceAll("evaluation_interval: \\d+s", "evaluation_interval: 1s");
        assertThat(y).doesNotContain(":9420");
        // rule_files are relative to the config file: the alerting rules next to it, as compose mounts them
        Files.copy(Repo.root().resolve("deploy/prometheus-alerts.yml"), dir.resolve("prometheus-alerts.yml"));
        Path f = dir.resolve("prometheus.yml");
        Files.writeString(f, y);
        return f;
    }

    private List<String> dashboardQueries() throws Exception {
        JsonObject d = new JsonObject(Files.readString(Repo.root().resolve("deploy/grafana/dashboards/nvmegate.json")));
        List<String> out = new ArrayList<>();
        for (Object p : d.getJsonArray("panels")) {
            JsonArray targets = ((JsonObject) p).getJsonArray("targets");
            if (targets == null) continue;
            for (Object t : targets) {
                out.add(((JsonObject) t).getString("expr").replace("$__rate_interval", "1m").replace("$service", ".*"));
            }
        }
        assertThat(out).hasSizeGreaterThan(20);
        return out;
    }

    /** @return the first sample's value of an instant query, or NaN if there is none */
    private static double query(String api, String promql) {
        JsonObject r = new JsonObject(Http.get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body());
        assertThat(r.getString("status")).as("%s: %s", promql, r).isEqualTo("success");
        JsonArray result = r.getJsonObject("data").getJsonArray("result");
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    }

    private String url(String service, String path) {
        return "http://127.0.0.1:" + metricsPorts.get(service) + path;
    }

    record ProcessResult(int exit, String output) {}

    private ProcessResult run(List<String> cmd, Path stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (stdin != null) pb.redirectInput(stdin.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ProcessResult(p.exitValue(), out);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check c, Duration timeout, String what) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (c.ok()) return;
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }

}
