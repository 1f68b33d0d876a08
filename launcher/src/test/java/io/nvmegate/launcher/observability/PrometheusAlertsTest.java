package io.nvmegate.launcher.observability;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.nvmegate.launcher.observability.ComposeFileTest.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules of deploy/prometheus-alerts.yml: {@code promtool check rules} passes, {@code promtool test
 * rules} passes on deploy/prometheus-alerts.test.yml, which has a firing case for every alert, and the rules are
 * wired: deploy/prometheus.yml lists them in {@code rule_files} and compose.yaml mounts them beside it. promtool
 * is required under CI (the environment variable CI set) and skips the test elsewhere ({@link Repo#tool}).
 */
class PrometheusAlertsTest {
    private static final String RULES = "deploy/prometheus-alerts.yml";
    private static final String CASES = "deploy/prometheus-alerts.test.yml";

    @Test
    void rulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
        Path promtool = Repo.tool("promtool", "prometheus");
        String check = run(promtool.toString(), "check", "rules", RULES);
        assertThat(check).contains("SUCCESS");
        String test = run(promtool.toString(), "test", "rules", CASES);
        assertThat(test).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasAFiringCaseAndTheRulesAreLoaded() throws Exception {
        Map<String, Object> rules = new Yaml().load(Files.readString(Repo.root().resolve(RULES)));
        Set<String> alerts = new HashSet<>();
        for (Object g : (List<?>) rules.get("groups")) {
            for (Object r : (List<?>) map(g).get("rules")) alerts.add(String.valueOf(map(r).get("alert")));
        }
        assertThat(alerts).contains("NvmegateGatewayDown", "NvmegateAnaGroupWithoutOptimizedPath", "NvmegateFencedRequests");

        Map<String, Object> cases = new Yaml().load(Files.readString(Repo.root().resolve(CASES)));
        assertThat((List<Object>) cases.get("rule_files")).containsExactly("prometheus-alerts.yml");
        Set<String> firing = new HashSet<>();
        List<String> quiet = new ArrayList<>();
        for (Object t : (List<?>) cases.get("tests")) {
            for (Object a : (List<?>) map(t).get("alert_rule_test")) {
                String name = String.valueOf(map(a).get("alertname"));
                if (((List<?>) map(a).get("exp_alerts")).isEmpty()) quiet.add(name);
                else firing.add(name);
            }
        }
        assertThat(firing).as("every alert has a case where it fires").containsExactlyInAnyOrderElementsOf(alerts);
        assertThat(quiet).as("and the main ones a case where they must not").contains("NvmegateGatewayDown",
                "NvmegateAnaGroupWithoutOptimizedPath", "NvmegateFencedRequests");

        Map<String, Object> prometheus = new Yaml().load(Files.readString(Repo.root().resolve("deploy/prometheus.yml")));
        assertThat((List<Object>) prometheus.get("rule_files")).containsExactly("prometheus-alerts.yml");
        @SuppressWarnings("unchecked") List<Object> volumes = (List<Object>) map(map(ComposeFileTest.compose().get("services")).get("prometheus")).get("volumes");
        assertThat(volumes).contains("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                "./deploy/prometheus-alerts.yml:/etc/prometheus/prometheus-alerts.yml:ro");
    }

    /** Runs {@code cmd} in the project root; @return its output, after asserting exit status 0. */
    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(Repo.root().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s:\n%s", String.join(" ", cmd), out).isZero();
        return out;
    }
}
