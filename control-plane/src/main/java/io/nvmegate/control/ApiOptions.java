package io.nvmegate.control;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the management API listens and the bearer token it requires.
 *
 * @param host  listen address; default {@code 127.0.0.1}. Any address that is not loopback requires a token
 * @param port  TCP port (default 8080; 0: a free port; -1: no API server)
 * @param token bearer token ({@code Authorization: Bearer <token>}); null: none (loopback only)
 */
public record ApiOptions(String host, int port, String token) {
    public static final int DEFAULT_PORT = 8080;

    public static ApiOptions loopback(int port) { return new ApiOptions("127.0.0.1", port, null); }

    public static ApiOptions disabled() { return new ApiOptions("127.0.0.1", -1, null); }

    public boolean enabled() { return port >= 0; }

    /**
     * Refuses a configuration that would expose the API without authentication: a non-loopback {@code host}
     * (wildcards included) without a token. Literal addresses are parsed, never resolved; a name is resolved.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public void validate() {
        if (token != null && token.isBlank()) throw new IllegalArgumentException("--api-token must not be blank");
        if (token != null && token.length() < 16) throw new IllegalArgumentException("--api-token must be at least 16 characters");
        if (token == null && !loopback(host)) {
            throw new IllegalArgumentException("the management API binds " + host + ", which is not a loopback address: "
                    + "set --api-token (or NVMEGATE_API_TOKEN), or bind 127.0.0.1");
        }
    }

    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
