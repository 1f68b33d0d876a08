package io.nvmegate.control;

import io.nvmegate.catalog.HostSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Callable;

/**
 * The management REST API (Vert.x Web) over {@link CatalogService}; resources under {@code /api/v1}, the OpenAPI 3
 * document at {@code /api/openapi.json}. Requests and responses are JSON; a refused request is answered
 * {@code {"error": "...", "field": "..."}} with 400 (invalid), 401 (token missing or wrong), 404 (unknown
 * resource), 409 (conflict) or 500. Catalog calls block (Hazelcast), so they run on worker threads. Host keys
 * are answered only to an explicit {@code ?secrets=true} ({@code GET /hosts}, {@code /hosts/{nqn}},
 * {@code /config}), else as {@value io.nvmegate.catalog.HostSpec#SECRET_SET}; no error message carries a key.
 * ANA groups ({@code /ana}) and gateways ({@code /gateways}) are not catalog resources: {@link AnaAdmin} reads and
 * writes the cluster's owner and gateway maps ({@code io.nvmegate.ana}).
 */
public final class ApiServer {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    public static final String OPENAPI_PATH = "/api/openapi.json";

    private final Vertx vertx;
    private final CatalogService service;
    private final ApiOptions options;
    private HttpServer server;

    public ApiServer(Vertx vertx, CatalogService service, ApiOptions options) {
        this.vertx = vertx;
        this.service = service;
        this.options = options;
    }

    /** Validates the options (a non-loopback address needs a token), then listens. */
    public Future<ApiServer> start() {
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        return vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port()))
                .requestHandler(router()).listen().map(s -> {
                    server = s;
                    log.info("management API on http://{}:{}/api/v1 (OpenAPI: {})", options.host(), s.actualPort(), OPENAPI_PATH);
                    return this;
                });
    }

    public int port() { return server == null ? -1 : server.actualPort(); }

    public Future<Void> stop() { return server == null ? Future.succeededFuture() : server.close(); }

    Router router() {
        Router r = Router.router(vertx);
        AnaAdmin ana = new AnaAdmin(service.catalog()); // ANA groups and gateways (not catalog resources)
        r.route().handler(this::authenticate);
        r.route("/api/*").handler(BodyHandler.create().setBodyLimit(4 << 20));
        r.get(OPENAPI_PATH).handler(ctx -> ctx.response().putHeader("content-type", "application/json").end(openApi()));
        String v = "/api/v1";
        r.get(v + "/global").handler(ctx -> reply(ctx, 200, service::global));
        r.put(v + "/global").handler(ctx -> reply(ctx, 200, () -> service.updateGlobal(body(ctx))));
        r.patch(v + "/global").handler(ctx -> reply(ctx, 200, () -> service.updateGlobal(body(ctx))));

        r.get(v + "/subsystems").handler(ctx -> reply(ctx, 200, service::subsystems));
        r.post(v + "/subsystems").handler(ctx -> reply(ctx, 201, () -> service.createSubsystem(body(ctx))));
        r.get(v + "/subsystems/:nqn").handler(ctx -> reply(ctx, 200, () -> service.subsystem(p(ctx, "nqn"))));
        r.patch(v + "/subsystems/:nqn").handler(ctx -> reply(ctx, 200, () -> service.updateSubsystem(p(ctx, "nqn"), body(ctx))));
        r.put(v + "/subsystems/:nqn").handler(ctx -> reply(ctx, 200, () -> service.updateSubsystem(p(ctx, "nqn"), body(ctx))));
        r.delete(v + "/subsystems/:nqn").handler(ctx -> none(ctx, () -> service.deleteSubsystem(p(ctx, "nqn"), force(ctx))));

        r.get(v + "/namespaces").handler(ctx -> reply(ctx, 200, () -> service.namespaces(ctx.queryParams().get("subsystem"))));
        r.post(v + "/namespaces").handler(ctx -> reply(ctx, 201, () -> service.createNamespace(null, body(ctx))));
        r.get(v + "/subsystems/:nqn/namespaces").handler(ctx -> reply(ctx, 200, () -> service.namespaces(p(ctx, "nqn"))));
        r.post(v + "/subsystems/:nqn/namespaces").handler(ctx -> reply(ctx, 201, () -> service.createNamespace(p(ctx, "nqn"), body(ctx))));
        r.get(v + "/subsystems/:nqn/namespaces/:nsid").handler(ctx -> reply(ctx, 200, () -> service.namespace(p(ctx, "nqn"), p(ctx, "nsid"))));
        r.patch(v + "/subsystems/:nqn/namespaces/:nsid").handler(ctx -> reply(ctx, 200, () -> service.updateNamespace(p(ctx, "nqn"), p(ctx, "nsid"), body(ctx))));
        r.put(v + "/subsystems/:nqn/namespaces/:nsid").handler(ctx -> reply(ctx, 200, () -> service.updateNamespace(p(ctx, "nqn"), p(ctx, "nsid"), body(ctx))));
        r.delete(v + "/subsystems/:nqn/namespaces/:nsid").handler(ctx -> none(ctx, () -> service.deleteNamespace(p(ctx, "nqn"), p(ctx, "nsid"))));
        r.post(v + "/subsystems/:nqn/namespaces/:nsid/move-replica").handler(ctx -> reply(ctx, 200, () -> service.moveReplica(p(ctx, "nqn"), p(ctx, "nsid"), body(ctx))));

        r.get(v + "/workers").handler(ctx -> reply(ctx, 200, service::workers));
        r.get(v + "/workers/:id").handler(ctx -> reply(ctx, 200, () -> service.worker(p(ctx, "id"))));
        r.post(v + "/workers/:id/decommission").handler(ctx -> reply(ctx, 200, () -> service.decommission(p(ctx, "id"), force(ctx))));
        r.post(v + "/workers/:id/recommission").handler(ctx -> reply(ctx, 200, () -> service.recommission(p(ctx, "id"))));

        r.get(v + "/ana").handler(ctx -> reply(ctx, 200, ana::groups));
        r.get(v + "/ana/:nqn/:group").handler(ctx -> reply(ctx, 200, () -> ana.group(p(ctx, "nqn"), p(ctx, "group"))));
        r.post(v + "/ana/:nqn/:group/move").handler(ctx -> reply(ctx, 202, () -> ana.move(p(ctx, "nqn"), p(ctx, "group"), body(ctx))));
        r.delete(v + "/ana/:nqn/:group/move").handler(ctx -> reply(ctx, 200, () -> ana.unpin(p(ctx, "nqn"), p(ctx, "group"))));
        r.get(v + "/gateways").handler(ctx -> reply(ctx, 200, ana::gateways));
        r.get(v + "/gateways/:id").handler(ctx -> reply(ctx, 200, () -> ana.gateway(p(ctx, "id"))));
        r.post(v + "/gateways/:id/drain").handler(ctx -> reply(ctx, 200, () -> ana.drain(p(ctx, "id"), force(ctx))));
        r.post(v + "/gateways/:id/undrain").handler(ctx -> reply(ctx, 200, () -> ana.undrain(p(ctx, "id"))));

        r.get(v + "/subsystems/:nqn/hosts").handler(ctx -> reply(ctx, 200, () -> service.subsystemHosts(p(ctx, "nqn"))));
        r.post(v + "/subsystems/:nqn/hosts").handler(ctx -> reply(ctx, 201, () -> service.linkHost(p(ctx, "nqn"), body(ctx))));
        r.delete(v + "/subsystems/:nqn/hosts/:host").handler(ctx -> none(ctx, () -> service.unlinkHost(p(ctx, "nqn"), p(ctx, "host"))));

        r.get(v + "/ports").handler(ctx -> reply(ctx, 200, service::ports));
        r.post(v + "/ports").handler(ctx -> reply(ctx, 201, () -> service.createPort(body(ctx))));
        r.get(v + "/ports/:id").handler(ctx -> reply(ctx, 200, () -> service.port(p(ctx, "id"))));
        r.patch(v + "/ports/:id").handler(ctx -> reply(ctx, 200, () -> service.updatePort(p(ctx, "id"), body(ctx))));
        r.put(v + "/ports/:id").handler(ctx -> reply(ctx, 200, () -> service.updatePort(p(ctx, "id"), body(ctx))));
        r.delete(v + "/ports/:id").handler(ctx -> none(ctx, () -> service.deletePort(p(ctx, "id"), force(ctx))));
        r.get(v + "/ports/:id/subsystems").handler(ctx -> reply(ctx, 200, () -> service.portSubsystems(p(ctx, "id"))));
        r.post(v + "/ports/:id/subsystems").handler(ctx -> reply(ctx, 201, () -> service.linkPortSubsystem(p(ctx, "id"), body(ctx))));
        r.delete(v + "/ports/:id/subsystems/:nqn").handler(ctx -> none(ctx, () -> service.unlinkPortSubsystem(p(ctx, "id"), p(ctx, "nqn"), force(ctx))));

        r.get(v + "/hosts").handler(ctx -> reply(ctx, 200, () -> service.hosts(secrets(ctx))));
        r.post(v + "/hosts").handler(ctx -> reply(ctx, 201, () -> service.createHost(body(ctx))));
        r.get(v + "/hosts/:nqn").handler(ctx -> reply(ctx, 200, () -> service.host(p(ctx, "nqn"), secrets(ctx))));
        r.patch(v + "/hosts/:nqn").handler(ctx -> reply(ctx, 200, () -> service.updateHost(p(ctx, "nqn"), body(ctx))));
        r.put(v + "/hosts/:nqn").handler(ctx -> reply(ctx, 200, () -> service.updateHost(p(ctx, "nqn"), body(ctx))));
        r.delete(v + "/hosts/:nqn").handler(ctx -> none(ctx, () -> service.deleteHost(p(ctx, "nqn"), force(ctx))));

        r.get(v + "/referrals").handler(ctx -> reply(ctx, 200, service::referrals));
        r.post(v + "/referrals").handler(ctx -> reply(ctx, 201, () -> service.createReferral(body(ctx))));
        r.get(v + "/referrals/:id").handler(ctx -> reply(ctx, 200, () -> service.referral(p(ctx, "id"))));
        r.patch(v + "/referrals/:id").handler(ctx -> reply(ctx, 200, () -> service.updateReferral(p(ctx, "id"), body(ctx))));
        r.put(v + "/referrals/:id").handler(ctx -> reply(ctx, 200, () -> service.updateReferral(p(ctx, "id"), body(ctx))));
        r.delete(v + "/referrals/:id").handler(ctx -> none(ctx, () -> service.deleteReferral(p(ctx, "id"))));

        r.post(v + "/generate-key").handler(ctx -> reply(ctx, 200, () -> service.generateKey(body(ctx))));
        r.get(v + "/limits").handler(ctx -> reply(ctx, 200, () -> service.limits().toJson()));
        r.get(v + "/choices").handler(ctx -> reply(ctx, 200, CatalogService::choices));
        r.get(v + "/config").handler(ctx -> reply(ctx, 200, () -> service.save(secrets(ctx))));
        r.put(v + "/config").handler(ctx -> reply(ctx, 200, () -> service.restore(body(ctx))));

        r.route().last().handler(ctx -> error(ctx, new ApiException(404, null, "no such resource: " + ctx.request().method() + " " + ctx.request().path())));
        r.errorHandler(405, ctx -> error(ctx, new ApiException(405, null, "method " + ctx.request().method() + " not allowed on " + ctx.request().path())));
        return r;
    }

    private void authenticate(RoutingContext ctx) {
        if (options.token() == null) {
            ctx.next();
            return;
        }
        String h = ctx.request().getHeader("Authorization");
        byte[] want = ("Bearer " + options.token()).getBytes(StandardCharsets.UTF_8);
        if (h != null && MessageDigest.isEqual(want, h.getBytes(StandardCharsets.UTF_8))) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"nvmegate\"");
        error(ctx, new ApiException(401, "Authorization", "a bearer token is required (Authorization: Bearer <token>)"));
    }

    private static String p(RoutingContext ctx, String name) { return ctx.pathParam(name); }

    private static boolean force(RoutingContext ctx) { return "true".equalsIgnoreCase(ctx.queryParams().get("force")); }

    /** {@code ?secrets=true}: the explicit request for hosts' keys (else they read {@value HostSpec#SECRET_SET}). */
    private static boolean secrets(RoutingContext ctx) { return "true".equalsIgnoreCase(ctx.queryParams().get("secrets")); }

    private static JsonObject body(RoutingContext ctx) {
        return parseBody(ctx.body() == null ? null : ctx.body().asString());
    }

    /**
     * A request body as the resources take it: empty or blank → {@code {}}; a JSON object → it; anything else → 400
     * naming {@code body} (its message gives the parse position, never the body, which may carry a key).
     */
    static JsonObject parseBody(String s) {
        if (s == null || s.isBlank()) return new JsonObject();
        try {
            Object v = io.vertx.core.json.Json.decodeValue(s);
            if (v instanceof JsonObject o) return o;
            throw ApiException.invalid("body", "the request body must be a JSON object");
        } catch (DecodeException e) {
            // the parser's message may quote the body, which may carry a key: only the position is kept
            throw ApiException.invalid("body", "the request body is not valid JSON" + position(e));
        }
    }

    /** @return " (line L, column C)" from a Jackson parse failure, or "" */
    private static String position(DecodeException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
                return " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
            }
        }
        return "";
    }

    private void reply(RoutingContext ctx, int status, Callable<Object> call) {
        vertx.executeBlocking(call, false).onComplete(ar -> {
            if (ar.failed()) {
                error(ctx, ar.cause());
                return;
            }
            Object v = ar.result();
            String json = v instanceof JsonObject o ? o.encodePrettily() : v instanceof JsonArray a ? a.encodePrettily() : String.valueOf(v);
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(json);
        });
    }

    private void none(RoutingContext ctx, Runnable call) {
        vertx.executeBlocking(() -> { call.run(); return null; }, false).onComplete(ar -> {
            if (ar.failed()) error(ctx, ar.cause());
            else ctx.response().setStatusCode(204).end();
        });
    }

    private static void error(RoutingContext ctx, Throwable t) {
        ApiException e;
        if (t instanceof ApiException a) e = a;
        else if (t instanceof IllegalArgumentException iae) e = ApiException.from(iae);
        else {
            log.warn("management API {} {} failed", ctx.request().method(), ctx.request().path(), scrubbed(t));
            e = new ApiException(500, null, "internal error: " + t);
        }
        // no message carries a key by construction; scrub() also catches a key a client put in the wrong field
        JsonObject j = new JsonObject().put("error", HostSpec.scrub(e.getMessage())).put("field", e.field());
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(e.status()).putHeader("content-type", "application/json").end(j.encode());
        }
    }

    /** @return {@code t} as a logged exception: its text (and its causes') scrubbed of secrets, same stack */
    private static Throwable scrubbed(Throwable t) {
        RuntimeException s = new RuntimeException(HostSpec.scrub(t.toString()), t.getCause() == null ? null : scrubbed(t.getCause()));
        s.setStackTrace(t.getStackTrace());
        return s;
    }

    private static String openApi() {
        try (InputStream in = ApiServer.class.getResourceAsStream("openapi.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            return new JsonObject().put("error", "openapi.json missing").encode();
        }
    }
}
