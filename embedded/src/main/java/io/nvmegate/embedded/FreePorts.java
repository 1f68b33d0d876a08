package io.nvmegate.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks free TCP ports by binding a socket to port 0 and closing it. Another process can take the port between
 * this check and the real bind; {@link NvmegateTarget} retries a start that fails that way with new ports.
 */
public final class FreePorts {
    private FreePorts() {}

    /** @return a TCP port that was free on {@code host} (an IP address, or {@code 0.0.0.0} for every interface) */
    public static int pick(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 1);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    /** @return true if nothing listens on {@code host:port} (a bind succeeds) */
    public static boolean isFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
