package io.nvmegate.client;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectOptionsTest {

    @Test
    void defaults() {
        ConnectOptions o = ConnectOptions.builder("10.0.0.1", 4420).subsystemNqn("nqn.x").build();
        assertThat(o.hostNqn()).isEqualTo("nqn.2014-08.org.nvmexpress:uuid:" + o.hostId());
        assertThat(o.ioQueues()).isEqualTo(1);
        assertThat(o.ioQueueSize()).isEqualTo(128);
        assertThat(o.keepAliveTimeoutMs()).isEqualTo(10_000);
        assertThat(o.headerDigest()).isFalse();
        assertThat(o.dataDigest()).isFalse();
        assertThat(o.disableSqFlowControl()).isFalse();
        UUID id = UUID.randomUUID();
        ConnectOptions p = o.toBuilder().hostId(id).hostNqn(null).build();
        assertThat(p.hostNqn()).endsWith(id.toString());
        assertThat(p.subsystemNqn()).isEqualTo("nqn.x");
        assertThat(ConnectOptions.builder("h", 1).discoverySubsystem().build().subsystemNqn()).isEqualTo("nqn.2014-08.org.nvmexpress.discovery");
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> ConnectOptions.builder("h", 0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectOptions.builder("h", 4420).ioQueueSize(1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectOptions.builder("h", 4420).hostNqn("has space").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectOptions.builder("h", 4420).subsystemNqn("n".repeat(224)).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectOptions.builder().build()).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> NvmeTcpHost.connect(ConnectOptions.builder("h", 4420).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subsystemNqn");
    }

    @Test
    void dhchapSecretsAreCheckedAndNeverShown() {
        String key = io.nvmegate.protocol.auth.DhchapSecret.generate(1, 32, new java.security.SecureRandom()).format();
        ConnectOptions o = ConnectOptions.builder("h", 4420).dhchapSecret(key).dhchapCtrlSecret(key).build();
        assertThat(o.dhchapSecret().format()).isEqualTo(key);
        assertThat(o.toString()).doesNotContain(key.substring(10, 30)).contains("dhchap=bidirectional");
        assertThat(o.toBuilder().build().dhchapCtrlSecret().format()).isEqualTo(key);
        String badCrc = key.substring(0, 11) + (key.charAt(11) == 'A' ? 'B' : 'A') + key.substring(12);
        assertThatThrownBy(() -> ConnectOptions.builder("h", 4420).dhchapSecret(badCrc).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(key.substring(10, 30));
        assertThatThrownBy(() -> ConnectOptions.builder("h", 4420).dhchapCtrlSecret(key).build())
                .as("a controller secret needs a host secret").isInstanceOf(IllegalArgumentException.class);
    }
}
