package io.nvmegate.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeMetricsTest {
    @Test
    void eachVertxHasItsOwnMetricsAndOthersGetNoop() {
        Vertx a = Vertx.vertx(), b = Vertx.vertx(), c = Vertx.vertx();
        try {
            NodeMetrics ma = new NodeMetrics(new SimpleMeterRegistry()).attach(a);
            NodeMetrics mb = new NodeMetrics(new SimpleMeterRegistry()).attach(b);
            assertThat(NodeMetrics.of(a)).isSameAs(ma);
            assertThat(NodeMetrics.of(b)).isSameAs(mb);
            assertThat(NodeMetrics.of(c)).isSameAs(NodeMetrics.NOOP);
            assertThat(NodeMetrics.of(null)).isSameAs(NodeMetrics.NOOP);

            ma.keepAliveExpired("nqn.2026-11.io.nvmegate:a");
            ma.keepAliveExpired("nqn.2026-11.io.nvmegate:a");
            assertThat(ma.registry().get("nvmegate.keepalive.expiries").tag("subsystem", "nqn.2026-11.io.nvmegate:a").counter().count()).isEqualTo(2);
            assertThat(mb.registry().find("nvmegate.keepalive.expiries").counters()).isEmpty();

            ma.discoveryListensOn(8009);
            assertThat(ma.target(8009)).isSameAs(ma.role(NodeMetrics.DISCOVERY));
            assertThat(ma.target(4420)).isSameAs(ma.role(NodeMetrics.GATEWAY));
            QueueMetrics q = ma.target(4420).connectionOpened();
            assertThat(ma.registry().get("nvmegate.connections").tag("role", "gateway").gauge().value()).isEqualTo(1);
            q.bound(0, "nqn.2026-11.io.nvmegate:a");
            assertThat(ma.registry().get("nvmegate.controllers").tag("role", "gateway").gauge().value()).isEqualTo(1);
            q.closed();
            q.closed();
            assertThat(ma.registry().get("nvmegate.controllers").tag("role", "gateway").gauge().value()).isZero();
            assertThat(ma.registry().get("nvmegate.connections").tag("role", "gateway").gauge().value()).isZero();
        } finally {
            a.close();
            b.close();
            c.close();
        }
    }

    @Test
    void subsystemLabelsAreCapped() {
        LabelLimiter l = new LabelLimiter(CommandMeters.MAX_SUBSYSTEMS);
        for (int i = 0; i < CommandMeters.MAX_SUBSYSTEMS; i++) assertThat(l.limit("nqn." + i)).isEqualTo("nqn." + i);
        assertThat(l.limit("nqn.one-too-many")).isEqualTo(LabelLimiter.OTHER);
        assertThat(l.limit("nqn.0")).isEqualTo("nqn.0");
    }
}
