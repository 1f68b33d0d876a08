package io.nvmegate.launcher.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.launcher.Main;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * compose.yaml, the Dockerfile and deploy/ checked without Docker: the compose file against the Compose
 * Specification JSON schema (read from ../shared/reference at test time), and the deployment's shape.
 */
class ComposeFileTest {
    static final List<String> WORKERS = List.of("worker-1", "worker-2", "worker-3");
    static final List<String> NVMEGATE_SERVICES = List.of("worker-1", "worker-2", "worker-3", "gateway-1", "gateway-2", "discovery");

    static Map<String, Object> compose() throws Exception {
        return new Yaml().load(Files.readString(Repo.root().resolve("compose.yaml")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** Where the schema is read from: {@code -Dnvmegate.composeSchema=FILE}, else {@code ../shared/reference/}. */
    static Path schemaLocation() {
        String p = System.getProperty("nvmegate.composeSchema");
        return p != null ? Path.of(p) : Repo.root().resolve("../shared/reference/compose-spec.schema.json").normalize();
    }

    /** True under CI ({@code CI} set, and not to {@code false}), as .ci/run sets it. */
    static boolean ci() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    }

    /**
     * The Compose Specification schema (third-party, Apache-2.0: read from ../shared, not copied into the project).
     * Missing, it fails the test under CI — which has ../shared beside the clone — and elsewhere skips it, saying so.
     */
    static Path schema(Path file, boolean ci) {
        String missing = "Compose Specification schema not found at " + file + " (../shared beside the project)";
        if (ci) assertThat(file).as(missing + ": CI must validate compose.yaml").isRegularFile();
        Assumptions.assumeTrue(Files.isRegularFile(file), missing + ": compose.yaml not validated");
        return file;
    }

    @Test
    void aMissingSchemaFailsUnderCi() {
        Path nowhere = Repo.root().resolve("no-such-dir/compose-spec.schema.json");
        assertThatThrownBy(() -> schema(nowhere, true)).isInstanceOf(AssertionError.class).hasMessageContaining("CI must validate");
        assertThatThrownBy(() -> schema(nowhere, false)).isInstanceOf(org.opentest4j.TestAbortedException.class);
    }

    @Test
    void composeFileIsValidAgainstTheComposeSpecification() throws Exception {
        Path schemaFile = schema(schemaLocation(), ci());
        ObjectMapper json = new ObjectMapper();
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(SchemaLocation.of(schemaFile.toUri().toString()));
        JsonNode doc = json.valueToTree(compose());
        Set<ValidationMessage> errors = schema.validate(doc);
        assertThat(errors).as("compose.yaml vs %s", schemaFile).isEmpty();

        // the validator must be able to fail: an unknown service attribute and a wrong type are errors
        JsonNode broken = json.valueToTree(compose());
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("services").get("worker-1")).put("bogus_attribute", 1);
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("services").get("worker-2")).put("restart", 7);
        assertThat(schema.validate(broken)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void servicesVolumesAndHealthchecks() throws Exception {
        Map<String, Object> c = compose();
        Map<String, Object> services = map(c.get("services"));
        assertThat(services).containsKeys("worker-1", "worker-2", "worker-3", "gateway-1", "gateway-2", "discovery", "prometheus", "grafana");
        Set<String> volumes = map(c.get("volumes")).keySet();
        for (String name : NVMEGATE_SERVICES) {
            Map<String, Object> s = map(services.get(name));
            assertThat(s.get("image")).as(name).isEqualTo("nvmegate:latest"); // one image, the role is the command
            assertThat((List<?>) s.get("command")).as(name).first().isEqualTo(name.replaceAll("-\\d$", ""));
            assertThat(map(s.get("healthcheck")).get("test").toString()).as(name).contains("/health/ready");
            Map<String, Object> env = map(s.get("environment"));
            assertThat(env).as(name).containsKeys("NVMEGATE_CLUSTER_HOST", "NVMEGATE_MEMBERS", "NVMEGATE_METRICS_PORT", "NVMEGATE_ADVERTISE");
            assertThat(env.get("NVMEGATE_CLUSTER_HOST")).isEqualTo(name);
            assertThat(s.get("hostname")).isEqualTo(name);
            for (String member : env.get("NVMEGATE_MEMBERS").toString().split(",")) {
                assertThat(NVMEGATE_SERVICES).contains(member.split(":")[0]);
            }
        }
        for (String worker : WORKERS) {
            List<?> v = (List<?>) map(services.get(worker)).get("volumes");
            assertThat(v).singleElement().asString().isEqualTo(worker + "-data:/data");
            assertThat(volumes).contains(worker + "-data"); // named volume: RocksDB survives `docker compose down`
        }
        assertThat(map(map(c.get("configs")).get("nvmegate-catalog")).get("file")).isEqualTo("./deploy/nvmegate.json");
        assertThat(Files.exists(Repo.root().resolve("deploy/nvmegate.json"))).isTrue();
    }

    /**
     * Three block workers, each with its Raft port (never published: Raft runs on the project's network only), and
     * the catalog's namespaces replicated on all three (replicationFactor 3, one replica per worker), which gateways
     * and the discovery service wait for (depends_on every worker healthy).
     */
    @Test
    void threeWorkersReplicateTheNamespaces() throws Exception {
        Map<String, Object> services = map(compose().get("services"));
        Set<String> raftPorts = new HashSet<>();
        for (String worker : WORKERS) {
            Map<String, Object> s = map(services.get(worker));
            assertThat(s.get("command")).as(worker).isEqualTo(List.of("worker"));
            Map<String, Object> env = map(s.get("environment"));
            assertThat(env.get("NVMEGATE_WORKER_ID")).as(worker).isEqualTo(worker);
            assertThat(env.get("NVMEGATE_RAFT_PORT")).as("%s sets its Raft port", worker).isNotNull();
            raftPorts.add(env.get("NVMEGATE_RAFT_PORT").toString());
        }
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Object ports = map(e.getValue()).get("ports");
            if (ports == null) continue;
            for (String raft : raftPorts) assertThat(ports.toString()).as("%s publishes no Raft port", e.getKey()).doesNotContain(raft);
            assertThat(WORKERS).as("workers publish nothing").doesNotContain(e.getKey());
        }
        for (String dependent : List.of("gateway-1", "gateway-2")) {
            assertThat(map(map(services.get(dependent)).get("depends_on")).keySet()).as(dependent).containsAll(WORKERS);
        }
        JsonObject catalog = new JsonObject(Files.readString(Repo.root().resolve("deploy/nvmegate.json")));
        int namespaces = 0;
        for (Object sub : catalog.getJsonArray("subsystems")) {
            JsonObject subsystem = (JsonObject) sub;
            for (Object n : subsystem.getJsonArray("namespaces")) {
                NamespaceSpec ns = NamespaceSpec.fromJson((JsonObject) n, subsystem.getString("nqn"));
                assertThat(ns.replicationFactor()).as("NSID %d", ns.nsid()).isEqualTo(3);
                assertThat(ns.placed()).as("NSID %d names its replicas", ns.nsid()).isTrue();
                assertThat(ns.replicas()).as("NSID %d: one replica on each compose worker", ns.nsid()).containsExactlyInAnyOrderElementsOf(WORKERS);
                namespaces++;
            }
        }
        assertThat(namespaces).isPositive();
        String certs = Files.readString(Repo.root().resolve("deploy/cluster-certs.sh"));
        assertThat(certs).as("deploy/cluster-certs.sh makes every member's certificate by default")
                .contains("members=(" + String.join(" ", NVMEGATE_SERVICES) + ")");
    }

    /**
     * The management API in compose is reachable as README says: each gateway container serves it on its own
     * loopback (the launcher's default {@code --api-host 127.0.0.1 --api-port 8080}, which compose does not
     * override, and which needs no token), and README runs the CLI inside that container with {@code docker compose
     * exec SERVICE java -jar JAR ctl}, whose default {@code --api} is that address; compose publishes no API port.
     */
    @Test
    void managementApiIsReachableAsTheReadmeSays() throws Exception {
        String readme = Files.readString(Repo.root().resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Deployment with docker compose"));
        section = section.substring(0, section.indexOf("\n## ", 3));
        Matcher exec = Pattern.compile("docker compose exec ([a-z0-9-]+) java -jar (\\S+) ctl ").matcher(section);
        assertThat(exec.find()).as("README's compose section runs ctl inside a container").isTrue();
        String service = exec.group(1), jar = exec.group(2);
        Map<String, Object> s = map(map(compose().get("services")).get(service));
        assertThat(s).as("compose service %s", service).isNotNull();
        assertThat((List<?>) s.get("command")).as("%s runs a gateway (the roles that serve the API)", service).first().isIn("gateway", "all");
        Map<String, Object> env = map(s.get("environment"));
        assertThat(env).as("compose keeps the API on the container's loopback, default port")
                .doesNotContainKeys("NVMEGATE_API_HOST", "NVMEGATE_API_PORT");
        assertThat(Files.readAllLines(Repo.root().resolve("Dockerfile"))).as("the jar README names is in the image")
                .anyMatch(l -> l.startsWith("COPY --from=build ") && l.endsWith(" " + jar));

        CommandLine main = new CommandLine(new Main()).setInterpolateVariables(false);
        assertThat(main.getCommandSpec().findOption("--api-host").defaultValue()).endsWith(":-127.0.0.1}");
        assertThat(main.getCommandSpec().findOption("--api-port").defaultValue()).endsWith(":-8080}");
        assertThat(main.getSubcommands().get("ctl").getSubcommands().get("subsys").getSubcommands().get("list")
                .getCommandSpec().findOption("--api").defaultValue()).endsWith(":-http://127.0.0.1:8080}");
        for (Object svc : map(compose().get("services")).values()) {
            Object ports = map(svc).get("ports");
            if (ports != null) assertThat(ports.toString()).as("no published management API").doesNotContain("8080");
        }
    }

    /**
     * Every member runs the event bus with TLS and seals host secrets: its own certificate and key, the cluster CA
     * and the secret key come from deploy/cluster-certs.sh's files as compose secrets; the CA's private key is
     * mounted nowhere, and the generated files stay out of git and of the image's build context.
     */
    @Test
    void everyMemberHasItsCertificateTheClusterCaAndTheSecretKey() throws Exception {
        Map<String, Object> c = compose();
        Map<String, Object> secrets = map(c.get("secrets"));
        for (Map.Entry<String, Object> e : secrets.entrySet()) {
            String file = map(e.getValue()).get("file").toString();
            assertThat(file).as(e.getKey()).startsWith("./deploy/cluster-tls/").doesNotEndWith("/ca.key");
        }
        for (String name : NVMEGATE_SERVICES) {
            Map<String, Object> s = map(map(c.get("services")).get(name));
            Map<String, String> mounted = new java.util.HashMap<>(); // /run/secrets/TARGET -> file
            for (Object o : (List<?>) s.get("secrets")) {
                Map<String, Object> m = map(o);
                mounted.put("/run/secrets/" + m.get("target"), map(secrets.get(m.get("source").toString())).get("file").toString());
            }
            Map<String, Object> env = map(s.get("environment"));
            assertThat(mounted.get(env.get("NVMEGATE_CLUSTER_TLS_CERT").toString())).as(name).isEqualTo("./deploy/cluster-tls/" + name + ".crt");
            assertThat(mounted.get(env.get("NVMEGATE_CLUSTER_TLS_KEY").toString())).as(name).isEqualTo("./deploy/cluster-tls/" + name + ".key");
            assertThat(mounted.get(env.get("NVMEGATE_CLUSTER_TLS_CA").toString())).as(name).isEqualTo("./deploy/cluster-tls/ca.crt");
            assertThat(mounted.get(env.get("NVMEGATE_CLUSTER_SECRET_KEY").toString())).as(name).isEqualTo("./deploy/cluster-tls/cluster-secret.key");
        }
        assertThat(Files.isExecutable(Repo.root().resolve("deploy/cluster-certs.sh"))).isTrue();
        assertThat(Files.readAllLines(Repo.root().resolve(".gitignore"))).contains("deploy/cluster-tls/");
        assertThat(Files.readAllLines(Repo.root().resolve(".dockerignore"))).contains("deploy/cluster-tls/");
        for (Object svc : map(c.get("services")).values()) {
            Object ports = map(svc).get("ports");
            if (ports != null) assertThat(ports.toString()).as("Hazelcast is never published").doesNotContain("5701");
        }
    }

    /** Every NVMEGATE_* variable compose sets is one the launcher reads (picocli default "${env:NAME...}"). */
    @Test
    void everyEnvironmentVariableIsReadByTheLauncher() throws Exception {
        Set<String> read = new HashSet<>();
        Pattern env = Pattern.compile("\\$\\{env:(NVMEGATE_[A-Z_]+)");
        for (CommandLine.Model.OptionSpec o : new CommandLine(new Main()).setInterpolateVariables(false).getCommandSpec().options()) {
            if (o.defaultValue() == null) continue;
            Matcher m = env.matcher(o.defaultValue());
            while (m.find()) read.add(m.group(1));
        }
        assertThat(read).contains("NVMEGATE_MEMBERS", "NVMEGATE_CLUSTER_HOST", "NVMEGATE_CLUSTER_PORT", "NVMEGATE_ADVERTISE",
                "NVMEGATE_METRICS_PORT", "NVMEGATE_METRICS_HOST", "NVMEGATE_DATA", "NVMEGATE_CONFIG");
        Map<String, Object> services = map(compose().get("services"));
        for (String name : NVMEGATE_SERVICES) {
            for (String var : map(map(services.get(name)).get("environment")).keySet()) {
                if (var.startsWith("NVMEGATE_")) assertThat(read).as(name + " sets " + var).contains(var);
            }
        }
    }

    @Test
    void prometheusScrapesEveryService() throws Exception {
        String prom = Files.readString(Repo.root().resolve("deploy/prometheus.yml"));
        for (String name : NVMEGATE_SERVICES) assertThat(prom).contains("\"" + name + ":9420\"");
        Map<String, Object> services = map(compose().get("services"));
        assertThat(map(services.get("prometheus")).get("volumes").toString()).contains("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml");
        assertThat(map(services.get("grafana")).get("volumes").toString())
                .contains("./deploy/grafana/provisioning:/etc/grafana/provisioning", "./deploy/grafana/dashboards:/var/lib/grafana/dashboards");
        Map<String, Object> ds = new Yaml().load(Files.readString(Repo.root().resolve("deploy/grafana/provisioning/datasources/prometheus.yml")));
        assertThat(ds.toString()).contains("url=http://prometheus:9090", "uid=prometheus");
        Map<String, Object> provider = new Yaml().load(Files.readString(Repo.root().resolve("deploy/grafana/provisioning/dashboards/nvmegate.yml")));
        assertThat(provider.toString()).contains("path=/var/lib/grafana/dashboards");
        JsonObject dashboard = new JsonObject(Files.readString(Repo.root().resolve("deploy/grafana/dashboards/nvmegate.json")));
        assertThat(dashboard.getString("uid")).isEqualTo("nvmegate");
        assertThat(dashboard.encode()).contains("\"uid\":\"prometheus\"");
    }

    @Test
    void dockerfileIsMultiStageAndNonRoot() throws Exception {
        List<String> lines = Files.readAllLines(Repo.root().resolve("Dockerfile"));
        assertThat(lines.stream().filter(l -> l.startsWith("FROM "))).hasSize(2);
        assertThat(lines).anyMatch(l -> l.startsWith("COPY --from=build "));
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
        assertThat(user).doesNotContain("root").isNotEqualTo("USER 0");
        String text = String.join("\n", lines);
        assertThat(text.substring(text.indexOf("\nENTRYPOINT "))).contains("/opt/nvmegate/nvmegate.jar");
        assertThat(lines).anyMatch(l -> l.startsWith("HEALTHCHECK "));
    }

    /** Every nvmegate_* metric the dashboard queries is documented. */
    @Test
    void dashboardMetricsAreDocumented() throws Exception {
        String docs = Files.readString(Repo.root().resolve("docs/metrics.md"));
        String dashboard = Files.readString(Repo.root().resolve("deploy/grafana/dashboards/nvmegate.json"));
        Matcher m = Pattern.compile("nvmegate_[a-z_]+").matcher(dashboard);
        int n = 0;
        while (m.find()) {
            String metric = m.group().replaceAll("_(bucket|sum|count|max)$", "");
            assertThat(docs).as("docs/metrics.md documents %s", metric).contains("`" + metric + "`");
            n++;
        }
        assertThat(n).isGreaterThan(20);
    }
}
