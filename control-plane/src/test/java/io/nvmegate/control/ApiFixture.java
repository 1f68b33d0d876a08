package io.nvmegate.control;

import io.nvmegate.catalog.Catalog;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.testkit.FreePorts;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A single-member cluster on 127.0.0.1 (optionally with a catalog store) and the management API on a free port. */
final class ApiFixture implements AutoCloseable {
    record Reply(int status, Object body) {
        JsonObject json() { return (JsonObject) body; }

        io.vertx.core.json.JsonArray array() { return (io.vertx.core.json.JsonArray) body; }
    }

    final Cluster.Node node;
    final CatalogService service;
    final ApiServer server;
    final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Extra members standing in for block workers ({@link #worker}). */
    private final List<com.hazelcast.core.HazelcastInstance> workers = new java.util.ArrayList<>();

    private ApiFixture(Cluster.Node node, ApiServer server, CatalogService service) {
        this.node = node;
        this.server = server;
        this.service = service;
        this.base = "http://127.0.0.1:" + server.port();
    }

    static ApiFixture start(Path catalogStore) throws Exception {
        return start(catalogStore, "ctl-" + UUID.randomUUID(), null);
    }

    static ApiFixture start(Path catalogStore, String clusterName, String token) throws Exception {
        return start(catalogStore, clusterName, token, Limits.defaults());
    }

    /** A fixture whose catalog service enforces {@code limits}. */
    static ApiFixture withLimits(Limits limits) throws Exception {
        return start(null, "ctl-" + UUID.randomUUID(), null, limits);
    }

    static ApiFixture start(Path catalogStore, String clusterName, String token, Limits limits) throws Exception {
        Cluster.Node node = Cluster.start(new ClusterOptions(clusterName, "127.0.0.1", FreePorts.free(), List.of(), catalogStore))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        CatalogService service = new CatalogService(new Catalog(node.hazelcast()), limits);
        ApiServer server = new ApiServer(node.vertx(), service, new ApiOptions("127.0.0.1", 0, token)).start()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new ApiFixture(node, server, service);
    }

    /**
     * Starts a Hazelcast member in this fixture's cluster and registers it in the {@link io.nvmegate.catalog.WorkerDirectory}
     * as block worker {@code id} (no block worker runs: a live directory entry, as the workers' own registration
     * makes it). Shut it down to make the worker not live.
     */
    com.hazelcast.core.HazelcastInstance worker(String id) {
        com.hazelcast.core.HazelcastInstance me = node.hazelcast();
        com.hazelcast.core.HazelcastInstance hz = com.hazelcast.core.Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions(me.getConfig().getClusterName(), "127.0.0.1", 0,
                        List.of("127.0.0.1:" + me.getCluster().getLocalMember().getAddress().getPort()))));
        workers.add(hz);
        new io.nvmegate.catalog.WorkerDirectory(hz).register(id, "127.0.0.1:" + (9870 + workers.size()));
        return hz;
    }

    Reply call(String method, String path, Object body) { return call(method, path, body, null); }

    Reply call(String method, String path, Object body, String token) {
        String b = body == null ? null : body instanceof String s ? s : Json.encode(body);
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, b == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(b));
        if (token != null) r.header("Authorization", "Bearer " + token);
        try {
            HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(res.statusCode(), res.body().isEmpty() ? null : Json.decodeValue(res.body()));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path) { return call("GET", path, null); }

    Reply post(String path, Object body) { return call("POST", path, body); }

    Reply patch(String path, Object body) { return call("PATCH", path, body); }

    Reply delete(String path) { return call("DELETE", path, null); }

    @Override
    public void close() {
        for (com.hazelcast.core.HazelcastInstance w : workers) {
            if (w.getLifecycleService().isRunning()) w.shutdown();
        }
        try {
            server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fixture did not stop", e);
        }
    }
}
