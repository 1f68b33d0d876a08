package io.nvmegate.control;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each catalog limit of {@link Limits} exhausted once over HTTP: the request past it is answered 409 with
 * {@code field} = the limit's name, the catalog unchanged; {@code GET /api/v1/limits} reports them (and the OpenAPI
 * document lists the path).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiLimitsTest {
    private static final String V = "/api/v1";
    private static final Limits LIMITS = new Limits(2, 3, 2, 1, 7, 11);
    private ApiFixture api;

    @BeforeAll
    void start() throws Exception { api = ApiFixture.withLimits(LIMITS); }

    @AfterAll
    void stop() throws Exception { api.close(); }

    private static String enc(String nqn) { return nqn.replace(":", "%3A"); }

    private static void refused(ApiFixture.Reply r, String limit) {
        assertThat(r.status()).as("%s", r.body()).isEqualTo(409);
        assertThat(r.json().getString("field")).isEqualTo(limit);
        assertThat(r.json().getString("error")).contains(limit);
    }

    @Test
    void limitsAreReported() {
        assertThat(api.get(V + "/limits").json()).isEqualTo(LIMITS.toJson());
        assertThat(api.get("/api/openapi.json").json().getJsonObject("paths").fieldNames()).contains(V + "/limits");
    }

    @Test
    void everyCatalogLimitIsAnswered409() {
        String a = "nqn.2026-11.io.example:lim-a", b = "nqn.2026-11.io.example:lim-b";
        assertThat(api.post(V + "/subsystems", JsonObject.of("nqn", a, "allowAnyHost", false)).status()).isEqualTo(201);
        assertThat(api.post(V + "/subsystems", JsonObject.of("nqn", b)).status()).isEqualTo(201);
        refused(api.post(V + "/subsystems", JsonObject.of("nqn", "nqn.2026-11.io.example:lim-c")), "maxSubsystems");
        assertThat(api.get(V + "/subsystems").body().toString()).doesNotContain("lim-c");

        String h1 = "nqn.2026-11.io.example:lim-host1", h2 = "nqn.2026-11.io.example:lim-host2";
        assertThat(api.post(V + "/hosts", JsonObject.of("nqn", h1)).status()).isEqualTo(201);
        assertThat(api.post(V + "/hosts", JsonObject.of("nqn", h2)).status()).isEqualTo(201);
        refused(api.post(V + "/hosts", JsonObject.of("nqn", "nqn.2026-11.io.example:lim-host3")), "maxHosts");

        assertThat(api.post(V + "/subsystems/" + enc(a) + "/hosts", JsonObject.of("host", h1)).status()).isEqualTo(201);
        refused(api.post(V + "/subsystems/" + enc(a) + "/hosts", JsonObject.of("host", h2)), "maxHostsPerSubsystem");
        refused(api.patch(V + "/subsystems/" + enc(b), JsonObject.of("hosts", new io.vertx.core.json.JsonArray().add(h1).add(h2))),
                "maxHostsPerSubsystem");

        for (int i = 0; i < 3; i++) {
            assertThat(api.post(V + "/subsystems/" + enc(i < 2 ? a : b) + "/namespaces", JsonObject.of("size", "8M")).status()).isEqualTo(201);
        }
        refused(api.post(V + "/subsystems/" + enc(b) + "/namespaces", JsonObject.of("size", "8M")), "maxNamespaces");
    }
}
