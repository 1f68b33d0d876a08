package io.nvmegate.control;

import io.nvmegate.protocol.tls.ConfiguredPsk;
import io.nvmegate.protocol.tls.PskHash;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/** The secure-channel settings through the REST API: port {@code treq}, host {@code tlsPsk}; save/restore keeps them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsSettingsApiTest {
    private static final String V = "/api/v1";
    private ApiFixture api;

    @BeforeAll
    void start() throws Exception { api = ApiFixture.start(null); }

    @AfterAll
    void stop() throws Exception { api.close(); }

    @Test
    void portTreq() {
        ApiFixture.Reply r = api.post(V + "/ports", JsonObject.of("id", 41, "traddr", "127.0.0.1", "trsvcid", 14441, "treq", "required"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(api.get(V + "/ports/41").json().getString("treq")).isEqualTo("required");
        assertThat(api.patch(V + "/ports/41", JsonObject.of("treq", "not-required")).json().getString("treq")).isEqualTo("not-required");
        ApiFixture.Reply bad = api.patch(V + "/ports/41", JsonObject.of("treq", "tls"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().toString()).contains("treq");
        assertThat(api.call("POST", V + "/ports", JsonObject.of("id", 42, "traddr", "127.0.0.1", "trsvcid", 14442, "treq", 1)).status()).isEqualTo(400);
        ApiFixture.Reply plain = api.post(V + "/ports", JsonObject.of("id", 43, "traddr", "127.0.0.1", "trsvcid", 14443));
        assertThat(plain.json().containsKey("treq")).as("not-specified is the default, not listed").isFalse();
        JsonObject saved = api.get(V + "/config").json();
        assertThat(saved.getJsonArray("ports").stream().map(o -> (JsonObject) o).filter(p -> p.getInteger("id") == 41)
                .findFirst().orElseThrow().getString("treq")).isEqualTo("not-required");
        api.delete(V + "/ports/41");
        api.delete(V + "/ports/43");
    }

    @Test
    void hostTlsPsk() {
        String host = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000e1";
        String psk = ConfiguredPsk.generate(PskHash.SHA256).encode();
        assertThat(api.post(V + "/hosts", JsonObject.of("nqn", host, "tlsPsk", psk)).status()).isEqualTo(201);
        // a secret: read back as the marker, the key only when asked for (see Secrets in README)
        assertThat(api.get(V + "/hosts/" + host.replace(":", "%3A")).json().getString("tlsPsk")).isEqualTo("<set>");
        assertThat(api.get(V + "/hosts/" + host.replace(":", "%3A") + "?secrets=true").json().getString("tlsPsk")).isEqualTo(psk);
        // a mistyped key: 400 naming the field and the fault, never echoing the key
        String typo = psk.substring(0, 20) + (psk.charAt(20) == 'A' ? 'B' : 'A') + psk.substring(21);
        ApiFixture.Reply bad = api.patch(V + "/hosts/" + host.replace(":", "%3A"), JsonObject.of("tlsPsk", typo));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().toString()).contains("tlsPsk").doesNotContain(typo.substring(16, 40));
        ApiFixture.Reply wrongHash = api.post(V + "/hosts", JsonObject.of("nqn", host + "2",
                "tlsPsk", ConfiguredPsk.generate(PskHash.SHA384).encode().replace(":02:", ":01:")));
        assertThat(wrongHash.status()).isEqualTo(400);
        assertThat(wrongHash.body().toString()).contains("does not fit hash 01");
        api.delete(V + "/hosts/" + host.replace(":", "%3A"));
    }
}
