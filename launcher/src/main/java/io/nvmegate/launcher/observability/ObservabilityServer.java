package io.nvmegate.launcher.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP endpoints of a node (the JDK's HTTP server, independent of Vert.x, so it answers while the node joins
 * the cluster and while it shuts down):
 * <ul>
 *   <li>{@code GET /metrics}: every meter in the Prometheus text format 0.0.4 (docs/metrics.md);</li>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process runs;</li>
 *   <li>{@code GET /health/ready}: 200 when ready ({@link Health#isReady}), else 503; body
 *       {@link Health#readiness()}.</li>
 * </ul>
 * Other paths: 404; other methods than GET/HEAD: 405.
 */
public final class ObservabilityServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ObservabilityServer.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String JSON = "application/json";

    private final HttpServer server;
    private final ExecutorService executor;

    private ObservabilityServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code host:port} (0: a free port) and serves. @throws IOException if it cannot bind */
    public static ObservabilityServer start(String host, int port, PrometheusMeterRegistry registry, Health health) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "nvmegate-http");
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(ex);
        s.createContext("/metrics", x -> respond(x, "/metrics", () -> new Reply(200, PROMETHEUS_TEXT, registry.scrape())));
        s.createContext("/health/live", x -> respond(x, "/health/live",
                () -> new Reply(200, JSON, new JsonObject().put("status", "UP").encode())));
        s.createContext("/health/ready", x -> respond(x, "/health/ready",
                () -> new Reply(health.isReady() ? 200 : 503, JSON, health.readiness().encode())));
        s.createContext("/", x -> respond(x, null, null));
        s.start();
        ObservabilityServer o = new ObservabilityServer(s, ex);
        log.info("metrics and health on http://{}:{} (/metrics, /health/live, /health/ready)", host, o.port());
        return o;
    }

    /** The TCP port bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    private record Reply(int status, String contentType, String body) {}

    private static void respond(HttpExchange x, String path, Supplier<Reply> handler) throws IOException {
        try (x) {
            Reply r;
            String method = x.getRequestMethod();
            if (path == null || !x.getRequestURI().getPath().equals(path)) {
                r = new Reply(404, "text/plain; charset=utf-8", "not found; try /metrics, /health/live, /health/ready\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                r = new Reply(405, "text/plain; charset=utf-8", "method not allowed\n");
            } else {
                r = handler.get();
            }
            byte[] body = r.body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", r.contentType);
            x.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            x.sendResponseHeaders(r.status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = x.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (RuntimeException e) {
            log.warn("HTTP {} {} failed: {}", x.getRequestMethod(), x.getRequestURI(), e.toString());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
