package io.nvmegate.embedded;

import io.nvmegate.catalog.NamespaceSpec;

import java.util.concurrent.CountDownLatch;

/**
 * A small main that runs an in-process {@link NvmegateTarget} until SIGTERM / Ctrl-C, used by
 * {@code e2e/embedded.sh} to let the Linux host in a QEMU guest connect to the embedded API.
 *
 * <pre>
 * java [Hazelcast JVM flags] -cp nvmegate.jar:embedded-classes io.nvmegate.embedded.EmbeddedDemo \
 *      [--host 127.0.0.1] [--port 24420] [--discovery-port 28009] [--advertise 10.0.2.2]
 *      [--nqn nqn.2026-11.io.nvmegate:embedded-demo] [--size 256M] [--block-size 4096] [--backend memory|null]
 * </pre>
 * Prints {@code nvmegate embedded demo ready: ...} when it serves; exits 2 on a bad argument, 1 if the target
 * does not start.
 */
public final class EmbeddedDemo {
    private EmbeddedDemo() {}

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1", advertise = null, nqn = "nqn.2026-11.io.nvmegate:embedded-demo", size = "256M";
        String backend = "memory";
        int port = 24420, discoveryPort = 28009, blockSize = 4096;
        try {
            for (int i = 0; i < args.length; i += 2) {
                String v = i + 1 < args.length ? args[i + 1] : null;
                if (v == null) throw new IllegalArgumentException(args[i] + " needs a value");
                switch (args[i]) {
                    case "--host" -> host = v;
                    case "--port" -> port = Integer.parseInt(v);
                    case "--discovery-port" -> discoveryPort = Integer.parseInt(v);
                    case "--advertise" -> advertise = v;
                    case "--nqn" -> nqn = v;
                    case "--size" -> size = v;
                    case "--block-size" -> blockSize = Integer.parseInt(v);
                    case "--backend" -> backend = v;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("EmbeddedDemo: " + e.getMessage());
            System.exit(2);
        }
        Backend b = switch (backend) {
            case "null" -> Backend.NULL;
            case "memory" -> Backend.MEMORY;
            default -> {
                System.err.println("EmbeddedDemo: --backend must be memory or null");
                System.exit(2);
                yield null;
            }
        };
        NvmegateTarget target = NvmegateTarget.builder()
                .subsystem(SubsystemConfig.of(nqn).withModel("nvmegate embedded"))
                .namespace(nqn, 1, NamespaceSpec.parseSize(size), blockSize, b)
                .listener(host, port, advertise)
                .discovery(host, discoveryPort)
                .build();
        try {
            target.startAndAwait();
        } catch (RuntimeException e) {
            System.err.println("EmbeddedDemo: target failed to start: " + e);
            System.exit(1);
        }
        System.out.println("nvmegate embedded demo ready: " + target.info());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            target.close();
            System.out.println("nvmegate embedded demo stopped");
            stopped.countDown();
        }, "embedded-demo-shutdown"));
        stopped.await();
    }
}
