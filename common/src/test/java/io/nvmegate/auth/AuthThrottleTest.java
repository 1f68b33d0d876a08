package io.nvmegate.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthThrottleTest {
    static final String A = "nqn.2026-11.io.nvmegate:a", B = "nqn.2026-11.io.nvmegate:b";

    @Test
    void doublesFrom100MsUpTo5sPerHostAndResetsOnSuccess() {
        AuthThrottle t = AuthThrottle.defaults();
        assertThat(t.delayMs(A)).isZero();
        long[] expected = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (long e : expected) {
            t.failed(A);
            assertThat(t.delayMs(A)).isEqualTo(e);
        }
        for (int i = 0; i < 1000; i++) t.failed(A);
        assertThat(t.delayMs(A)).as("bounded").isEqualTo(5000);
        assertThat(t.delayMs(B)).as("another host").isZero();
        t.succeeded(A);
        assertThat(t.delayMs(A)).isZero();
    }

    @Test
    void remembersABoundedNumberOfHosts() {
        AuthThrottle t = AuthThrottle.defaults();
        t.failed(A);
        for (int i = 0; i < AuthThrottle.MAX_HOSTS; i++) t.failed("nqn.2026-11.io.nvmegate:flood-" + i);
        assertThat(t.delayMs(A)).as("the least recently failed host was forgotten").isZero();
        assertThat(t.delayMs("nqn.2026-11.io.nvmegate:flood-" + (AuthThrottle.MAX_HOSTS - 1))).isEqualTo(100);
    }
}
