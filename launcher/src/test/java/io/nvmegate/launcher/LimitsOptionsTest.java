package io.nvmegate.launcher;

import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.control.ApiOptions;
import io.nvmegate.control.Limits;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.FreePorts;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code --max-*} options (env {@code NVMEGATE_MAX_*}): parsed into {@link Limits}, a value below 1 is a
 * configuration error (exit 2); a node started with them reports them at {@code GET /api/v1/limits} and applies
 * them: the catalog limit (409 {@code maxSubsystems}), controllers per subsystem (Connect Controller Busy) and
 * connections per listener (closed at accept), each exhausted once.
 */
class LimitsOptionsTest {
    @TempDir
    Path dir;

    @Test
    void optionsParseIntoLimits() {
        Main m = new Main();
        new CommandLine(m).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("all");
        if (System.getenv().keySet().stream().noneMatch(k -> k.startsWith("NVMEGATE_MAX_"))) {
            assertThat(m.limits()).isEqualTo(Limits.defaults());
        }
        Main n = new Main();
        new CommandLine(n).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("all", "--max-subsystems", "2",
                "--max-namespaces", "3", "--max-hosts", "4", "--max-hosts-per-subsystem", "5",
                "--max-controllers-per-subsystem", "6", "--max-connections", "7");
        assertThat(n.limits()).isEqualTo(new Limits(2, 3, 4, 5, 6, 7));
    }

    @Test
    void aLimitBelowOneIsAConfigurationError() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute("all", "--data",
                    dir.resolve("data").toString(), "--discovery-port", "-1", "--metrics-port", "-1", "--api-port", "-1",
                    "--max-connections", "0");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("maxConnections must be at least 1, not 0");
    }

    @Test
    void aNodeAppliesItsLimits() throws Exception {
        Limits limits = new Limits(1, 8, 8, 8, 1, 3);
        int ioPort = FreePorts.free();
        NodeOptions o = new NodeOptions(Role.all,
                new ClusterOptions("lim-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of(), null),
                CatalogConfig.defaults(ioPort), dir, "worker-1", "gateway-1", "127.0.0.1", -1, TransportConfig.defaults());
        List<RawNvmeTcpHost> hosts = new ArrayList<>();
        try (NvmegateNode node = NvmegateNode.start(o, ApiOptions.loopback(0), NvmegateNode.DiscoveryIdentity.DEFAULT, limits,
                Duration.ofMinutes(1))) {
            HttpClient http = HttpClient.newHttpClient();
            String api = "http://127.0.0.1:" + node.api().port() + "/api/v1";
            HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(api + "/limits")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(new JsonObject(got.body())).isEqualTo(limits.toJson());
            HttpResponse<String> second = http.send(HttpRequest.newBuilder(URI.create(api + "/subsystems"))
                    .POST(HttpRequest.BodyPublishers.ofString(JsonObject.of("nqn", "nqn.2026-11.io.example:second").encode())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(second.statusCode()).isEqualTo(409);
            assertThat(new JsonObject(second.body()).getString("field")).isEqualTo("maxSubsystems");

            RawNvmeTcpHost first = RawNvmeTcpHost.connect(ioPort);
            hosts.add(first);
            first.handshake();
            assertThat(first.connectAdmin(CatalogConfig.DEFAULT_NQN, 0).status()).isEqualTo(Status.SUCCESS);
            RawNvmeTcpHost busy = RawNvmeTcpHost.connect(ioPort);
            hosts.add(busy);
            busy.handshake();
            assertThat(busy.connectAdmin(CatalogConfig.DEFAULT_NQN, 0).status()).as("maxControllersPerSubsystem 1")
                    .isEqualTo(Status.CONNECT_CONTROLLER_BUSY);
            RawNvmeTcpHost third = RawNvmeTcpHost.connect(ioPort);
            hosts.add(third);
            third.handshake();
            RawNvmeTcpHost fourth = RawNvmeTcpHost.connect(ioPort);
            hosts.add(fourth);
            assertThat(fourth.closedWithin(2000)).as("maxConnections 3: the fourth is closed at accept").isTrue();
        } finally {
            for (RawNvmeTcpHost h : hosts) h.close();
        }
    }
}
