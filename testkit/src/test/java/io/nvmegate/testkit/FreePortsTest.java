package io.nvmegate.testkit;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {
    @Test
    void portsAreBelowTheEphemeralRangeDistinctAndBindable() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int p = FreePorts.free();
            assertThat(p).isBetween(FreePorts.FIRST, FreePorts.LAST).isLessThan(32768);
            assertThat(seen.add(p)).as("port %d handed out twice", p).isTrue();
        }
        int p = FreePorts.free();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", p));
            assertThat(FreePorts.isFree("127.0.0.1", p)).as("a listening port is not free").isFalse();
        }
        assertThat(FreePorts.isFree("127.0.0.1", p)).isTrue();
    }
}
