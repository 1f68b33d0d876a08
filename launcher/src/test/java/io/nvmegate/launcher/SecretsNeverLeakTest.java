package io.nvmegate.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.control.ApiOptions;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.launcher.observability.ObservabilityOptions;
import io.nvmegate.protocol.auth.DhchapSecret;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host's DH-HMAC-CHAP keys never leave through a side door of a running node (every role, catalog store, API,
 * metrics): the host is created with both keys, read, sent back, rotated, refused three ways (a key in the wrong
 * field, malformed JSON around a key, an invalid key), connected as, listed with {@code ctl} and deleted, while
 * every log event (io.nvmegate at TRACE) is captured; then no log event, no API answer, no {@code ctl} output and
 * no Prometheus scrape holds the Base64 of any key — except the answers that were asked for the keys
 * ({@code ?secrets=true}). The node's catalog store is private (0700 / 0600).
 */
class SecretsNeverLeakTest {
    private static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:5ec2e75e-0000-4000-8000-00000000beef";
    private static final String NQN = "nqn.2026-11.io.example:secrets";
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> answers = new ArrayList<>();

    @TempDir
    Path data;

    private HttpResponse<String> call(NvmegateNode n, String method, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.api().port() + "/api/v1" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (!path.contains("secrets=true")) answers.add(method + " " + path + " -> " + res.statusCode() + " " + res.body());
        return res;
    }

    private String ctl(NvmegateNode n, String... args) {
        StringWriter out = new StringWriter();
        List<String> all = new ArrayList<>(List.of("ctl"));
        all.addAll(List.of(args));
        all.addAll(List.of("--api", "http://127.0.0.1:" + n.api().port()));
        new picocli.CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out)).execute(all.toArray(String[]::new));
        answers.add("ctl " + args[0] + " " + args[1] + " -> " + out); // the output only: the arguments may carry a key
        return out.toString();
    }

    private static String b64(String dhhc) { return dhhc.split(":")[2]; }

    @Test
    void keysStayOutOfLogsMetricsAnswersAndCtl() throws Exception {
        String key = DhchapSecret.generate(1).format(), ctrl = DhchapSecret.generate(3).format(), rotated = DhchapSecret.generate(2).format();
        List<String> secrets = List.of(b64(key), b64(ctrl), b64(rotated));
        int ioPort = FreePorts.free();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("io.nvmegate");
        Level before = ours.getLevel();
        root.addAppender(logs);
        ours.setLevel(Level.TRACE);
        String scrape;
        try {
            NodeOptions o = new NodeOptions(Role.all,
                    new ClusterOptions("secrets-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of(), data.resolve("catalog")),
                    new CatalogConfig(List.of(), List.of(), List.of(new PortSpec(1, "ipv4", "127.0.0.1", ioPort, null, null, List.of()))),
                    data, "worker-1", "gateway-1", "127.0.0.1", FreePorts.free(), TransportConfig.defaults(),
                    new ObservabilityOptions("127.0.0.1", 0));
            try (NvmegateNode node = NvmegateNode.start(o, ApiOptions.loopback(0), Duration.ofMinutes(1))) {
                String h = "/hosts/" + HOST.replace(":", "%3A");
                String s = "/subsystems/" + NQN.replace(":", "%3A");
                assertThat(call(node, "POST", "/hosts", JsonObject.of("nqn", HOST, "dhchapKey", key, "dhchapCtrlKey", ctrl,
                        "hash", "sha512", "dhGroup", "ffdhe2048").encode()).statusCode()).isEqualTo(201);
                assertThat(call(node, "POST", "/subsystems", JsonObject.of("nqn", NQN, "allowAnyHost", false,
                        "hosts", new JsonArray().add(HOST)).encode()).statusCode()).isEqualTo(201);
                assertThat(call(node, "POST", s + "/namespaces", JsonObject.of("size", "4M", "backend", "memory").encode()).statusCode()).isEqualTo(201);
                JsonObject shown = new JsonObject(call(node, "GET", h, null).body());
                assertThat(shown.getString("dhchapKey")).isEqualTo("<set>");
                call(node, "GET", "/hosts", null);
                call(node, "GET", "/config", null);
                assertThat(new JsonObject(call(node, "GET", h + "?secrets=true", null).body()).getString("dhchapCtrlKey")).isEqualTo(ctrl);
                shown.remove("subsystems");
                assertThat(call(node, "PUT", h, shown.encode()).statusCode()).as("sent back with its markers").isEqualTo(200);
                assertThat(call(node, "PATCH", h, JsonObject.of("dhchapKey", rotated).encode()).statusCode()).isEqualTo(200);
                assertThat(call(node, "PATCH", h, JsonObject.of("hash", rotated).encode()).statusCode()).isEqualTo(400);
                assertThat(call(node, "PATCH", h, "{\"dhchapKey\": \"" + key + "\",,}").statusCode()).isEqualTo(400);
                assertThat(call(node, "PATCH", h, JsonObject.of("dhchapCtrlKey", "DHHC-1:07:" + b64(ctrl) + ":").encode()).statusCode()).isEqualTo(400);
                assertThat(call(node, "POST", "/hosts", JsonObject.of("nqn", "not an nqn", "dhchapKey", key).encode()).statusCode()).isEqualTo(400);
                ctl(node, "host", "list");
                ctl(node, "host", "get", HOST);
                ctl(node, "host", "update", HOST, "--dh-group", "ffdhe3072");
                ctl(node, "host", "update", HOST, "--hash", key);
                // the gateway sees the host (with or without authentication enforced: the outcome is not the point)
                for (int i = 0; i < 20; i++) {
                    try (NvmeController c = NvmeTcpHost.connect(ConnectOptions.builder("127.0.0.1", ioPort).subsystemNqn(NQN).hostNqn(HOST).build())) {
                        break;
                    } catch (RuntimeException refusedOrNotYet) {
                        Thread.sleep(100);
                    }
                }
                assertThat(call(node, "DELETE", h + "?force=true", null).statusCode()).isEqualTo(204);
                scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.observability().port() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
        } finally {
            root.detachAppender(logs);
            ours.setLevel(before);
        }
        assertThat(scrape).contains("nvmegate_");
        List<String> logged = logs.list.stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " " + ThrowableProxyUtil.asString(e.getThrowableProxy())) + " " + e.getMDCPropertyMap()).toList();
        assertThat(logged).as("log capture works").anyMatch(l -> l.contains("management API on http"));
        for (String secret : secrets) {
            assertThat(logged).as("log events").noneMatch(l -> l.contains(secret));
            assertThat(scrape).as("Prometheus scrape").doesNotContain(secret);
            assertThat(answers).as("API answers and ctl output").noneMatch(a -> a.contains(secret));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("catalog")))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(data.resolve("catalog"))) {
            for (Path f : files.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString()).startsWith("rw-------".substring(0, 3)).endsWith("------");
            }
        }
    }
}
