package io.nvmegate.embedded;

import java.util.Objects;

/**
 * An NVMe/TCP listener (a catalog port) of an embedded target.
 *
 * @param host              listen address (an IP address; {@code 0.0.0.0} for every interface). Tests should use
 *                          {@code 127.0.0.1}
 * @param port              TCP port, 0..65535; 0 picks a free port when the target starts (see
 *                          {@link NvmegateTarget#ports()})
 * @param advertisedAddress TRADDR published in discovery log entries instead of {@code host} (behind NAT, e.g.
 *                          {@code 10.0.2.2} for a QEMU guest), or null
 */
public record ListenerConfig(String host, int port, String advertisedAddress) {
    public ListenerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }

    /** @return true for {@code 0.0.0.0} / {@code ::} */
    public boolean wildcard() { return host.equals("0.0.0.0") || host.equals("::"); }
}
