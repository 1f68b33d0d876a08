package io.nvmegate.launcher.observability;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test helper itself: sums what is there, and a series that is not there is an error, never 0. */
class PrometheusTextTest {
    static final String SCRAPE = """
            # HELP nvmegate_commands_total NVMe commands completed
            # TYPE nvmegate_commands_total counter
            nvmegate_commands_total{opcode="read",role="gateway",status="success"} 3.0
            nvmegate_commands_total{opcode="write",role="gateway",status="success"} 5.0
            nvmegate_commands_total{opcode="write",role="gateway",status="lba_out_of_range"} 1.0
            # TYPE nvmegate_connections gauge
            nvmegate_connections{role="gateway"} 0.0
            """;

    @Test
    void sumsTheMatchingSamples() {
        assertThat(PrometheusText.sum(SCRAPE, "nvmegate_commands_total", Map.of())).isEqualTo(9);
        assertThat(PrometheusText.sum(SCRAPE, "nvmegate_commands_total", Map.of("opcode", "write"))).isEqualTo(6);
        assertThat(PrometheusText.sum(SCRAPE, "nvmegate_commands_total", Map.of("opcode", "write", "status", "success"))).isEqualTo(5);
        assertThat(PrometheusText.sum(SCRAPE, "nvmegate_connections", Map.of("role", "gateway"))).isZero(); // present, and 0
        assertThat(PrometheusText.families(SCRAPE, "nvmegate_")).containsExactly("nvmegate_commands_total", "nvmegate_connections");
    }

    @Test
    void aMissingSeriesIsAnError() {
        assertThatThrownBy(() -> PrometheusText.sum(SCRAPE, "nvmegate_command_total", Map.of()))
                .as("a wrong metric name").isInstanceOf(AssertionError.class).hasMessageContaining("nvmegate_command_total");
        assertThatThrownBy(() -> PrometheusText.sum(SCRAPE, "nvmegate_commands_total", Map.of("opcode", "flush")))
                .as("no sample with that label value").isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> PrometheusText.sum(SCRAPE, "nvmegate_connections", Map.of("role", "discovery")))
                .isInstanceOf(AssertionError.class);
    }
}
