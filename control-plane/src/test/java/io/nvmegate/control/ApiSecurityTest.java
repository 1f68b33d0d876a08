package io.nvmegate.control;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The API binds loopback by default and refuses to start on any other address without a bearer token (checked
 * without binding: nothing here listens on or contacts a non-loopback address); a configured token is enforced.
 */
class ApiSecurityTest {
    private static final String TOKEN = "0123456789abcdef-token";

    @Test
    void nonLoopbackWithoutTokenIsRefused() {
        for (String host : new String[] {"0.0.0.0", "::", "192.0.2.10", "10.0.2.15"}) {
            assertThatThrownBy(() -> new ApiOptions(host, 8080, null).validate())
                    .as(host).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--api-token");
        }
        new ApiOptions("0.0.0.0", 8080, TOKEN).validate();
        new ApiOptions("127.0.0.1", 8080, null).validate();
        new ApiOptions("::1", 8080, null).validate();
        new ApiOptions("localhost", 8080, null).validate();
        assertThatThrownBy(() -> new ApiOptions("0.0.0.0", 8080, "short").validate()).hasMessageContaining("16");
        assertThatThrownBy(() -> new ApiOptions("127.0.0.1", 8080, "   ").validate()).hasMessageContaining("blank");
    }

    @Test
    void serverRefusesToStartWithoutToken() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            // validate() fails before any bind is attempted, so this never listens on 0.0.0.0
            var f = new ApiServer(vertx, null, new ApiOptions("0.0.0.0", 0, null)).start();
            assertThat(f.failed()).isTrue();
            assertThat(f.cause()).hasMessageContaining("not a loopback address");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tokenIsEnforced() throws Exception {
        try (ApiFixture api = ApiFixture.start(null, "sec-" + System.nanoTime(), TOKEN)) {
            ApiFixture.Reply none = api.get("/api/v1/subsystems");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().getString("error")).contains("bearer token");
            assertThat(api.call("GET", "/api/v1/subsystems", null, "wrong-token-wrong-token").status()).isEqualTo(401);
            assertThat(api.call("GET", "/api/v1/subsystems", null, TOKEN).status()).isEqualTo(200);
            assertThat(api.call("GET", "/api/openapi.json", null, TOKEN).status()).isEqualTo(200);
        }
    }
}
