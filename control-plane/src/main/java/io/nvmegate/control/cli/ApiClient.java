package io.nvmegate.control.cli;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small blocking client of the management API ({@code <api>/api/v1/...}) for the CLI (JDK HttpClient). */
final class ApiClient {
    /** The API answered with an error status. */
    static final class Refused extends RuntimeException {
        final int status;
        final String field;

        Refused(int status, String message, String field) {
            super(message);
            this.status = status;
            this.field = field;
        }
    }

    /** The API could not be reached. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) { super(message); }
    }

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token == null || token.isBlank() ? null : token;
    }

    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Object get(String path) { return send("GET", path, null); }

    Object post(String path, JsonObject body) { return send("POST", path, body); }

    Object patch(String path, JsonObject body) { return send("PATCH", path, body); }

    Object put(String path, JsonObject body) { return send("PUT", path, body); }

    Object delete(String path) { return send("DELETE", path, null); }

    /** @return the decoded JSON answer (JsonObject, JsonArray) or null for 204 */
    Object send(String method, String path, JsonObject body) {
        URI uri;
        try {
            uri = URI.create(base + "/api/v1" + path);
        } catch (IllegalArgumentException e) {
            throw new Unreachable("bad --api URL " + base + ": " + e.getMessage());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode()))
                .header("content-type", "application/json").header("accept", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unreachable("cannot reach the management API at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        } catch (IllegalArgumentException e) {
            throw new Unreachable("bad --api URL " + base + ": " + e.getMessage());
        }
        Object v = r.body() == null || r.body().isBlank() ? null : decode(r.body());
        if (r.statusCode() >= 400) {
            if (v instanceof JsonObject j) throw new Refused(r.statusCode(), j.getString("error", "HTTP " + r.statusCode()), j.getString("field"));
            throw new Refused(r.statusCode(), "HTTP " + r.statusCode(), null);
        }
        return v;
    }

    private static Object decode(String s) {
        try {
            return Json.decodeValue(s);
        } catch (RuntimeException e) {
            return s;
        }
    }
}
