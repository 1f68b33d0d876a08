package io.nvmegate.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one free-TCP-port picker of nvmegate: tests, the embedded target (a listener or cluster port given as 0) and
 * the benchmarks all take their ports here.
 *
 * <p>Ports come from {@value #FIRST}..{@value #LAST}, below Linux's ephemeral range (32768..60999,
 * {@code net.ipv4.ip_local_port_range}). A port from the ephemeral range (what binding port 0 returns) is unsafe for
 * a server that starts a moment later: any outgoing connection of the machine may get the very same port as its
 * source port in between; worse, a Hazelcast member whose TCP-IP member list names that port connects to it before
 * the late member binds it and can get it as its own source port (TCP simultaneous open: the member connects to
 * itself, "Packet send task is rejected. Target is this node!"), and then holds the port the late member wants
 * ("Port [N] is already in use"). Below the range only an explicit bind takes a port.
 *
 * <p>Candidates are handed out round-robin from a random start, so pickers in the same JVM never return the same
 * port twice in a row and concurrent test JVMs rarely probe the same one. Another process can still take a port
 * between this probe and the real bind: a caller that must not fail retries its start with a new port on a
 * {@link java.net.BindException} (as {@code NvmegateTarget} does).
 */
public final class FreePorts {
    private FreePorts() {}

    /** First and last port handed out (inclusive). */
    public static final int FIRST = 20000, LAST = 31999;
    private static final int COUNT = LAST - FIRST + 1;
    private static final AtomicInteger NEXT = new AtomicInteger(new SplittableRandom().nextInt(COUNT));

    /** @return a port in {@value #FIRST}..{@value #LAST} that 127.0.0.1 could bind just now */
    public static int free() {
        return pick("127.0.0.1");
    }

    /**
     * @param host an IP address or name to probe on ({@code 0.0.0.0}: every interface)
     * @return a port in {@value #FIRST}..{@value #LAST} that {@code host} could bind just now
     * @throws IllegalStateException when every port of the range is taken or {@code host} does not resolve
     */
    public static int pick(String host) {
        InetAddress address = resolve(host);
        for (int i = 0; i < COUNT; i++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
            if (bindable(address, port, false)) return port;
        }
        throw new IllegalStateException("no free port in " + FIRST + ".." + LAST + " on " + host);
    }

    /** @return true if nothing listens on {@code host:port} (a bind with SO_REUSEADDR succeeds now) */
    public static boolean isFree(String host, int port) {
        return bindable(resolve(host), port, true);
    }

    private static boolean bindable(InetAddress address, int port, boolean reuseAddress) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(reuseAddress);
            s.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new IllegalStateException("cannot resolve " + host, e);
        }
    }
}
