package io.nvmegate.launcher.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
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

/**
 * compose.yaml, the Dockerfile and deploy/ checked without Docker: the compose file against the Compose
 * Specification JSON schema (read from ../shared/reference at test time), and the deployment's shape.
 */
class ComposeFileTest {
    static final List<String> NVMEGATE_SERVICES = List.of("worker-1", "worker-2", "gateway-1", "gateway-2", "discovery");

    static Map<String, Object> compose() throws Exception {
        return new Yaml().load(Files.readString(Repo.root().resolve("compose.yaml")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void composeFileIsValidAgainstTheComposeSpecification() throws Exception {
        Path schemaFile = Repo.root().resolve("../shared/reference/compose-spec.schema.json").normalize();
        Assumptions.assumeTrue(Files.exists(schemaFile),
                "Compose Specification schema not found at " + schemaFile + " (../shared beside the project): not validated");
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
        assertThat(services).containsKeys("worker-1", "worker-2", "gateway-1", "gateway-2", "discovery", "prometheus", "grafana");
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
        for (String worker : List.of("worker-1", "worker-2")) {
            List<?> v = (List<?>) map(services.get(worker)).get("volumes");
            assertThat(v).singleElement().asString().isEqualTo(worker + "-data:/data");
            assertThat(volumes).contains(worker + "-data"); // named volume: RocksDB survives `docker compose down`
        }
        assertThat(map(map(c.get("configs")).get("nvmegate-catalog")).get("file")).isEqualTo("./deploy/nvmegate.json");
        assertThat(Files.exists(Repo.root().resolve("deploy/nvmegate.json"))).isTrue();
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
