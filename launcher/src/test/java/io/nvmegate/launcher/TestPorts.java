package io.nvmegate.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free TCP ports on 127.0.0.1 for test servers and cluster members, taken from 20000..31999, below Linux's
 * ephemeral range (32768..60999). A port from the ephemeral range is unsafe for a member that starts later: another
 * member's outgoing connection to it (the port is in that member's TCP-IP list) can get the very same port as its
 * source and connect to itself (TCP simultaneous open), and then holds the port the late member wants to bind
 * (seen as "Port [N] is already in use" after "Packet send task is rejected. Target is this node!").
 */
public final class TestPorts {
    private TestPorts() {}

    private static final int FIRST = 20000, COUNT = 12000;
    private static final AtomicInteger NEXT = new AtomicInteger(new SplittableRandom().nextInt(COUNT));

    public static int free() {
        for (int i = 0; i < COUNT; i++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException busy) {
                // taken: the next one
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + ".." + (FIRST + COUNT - 1));
    }
}
