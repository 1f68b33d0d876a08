package io.nvmegate.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Base64;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/** Create, read, update and delete over HTTP for every resource of the management API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiCrudTest {
    private static final String V = "/api/v1";
    private ApiFixture api;

    @BeforeAll
    void start() throws Exception { api = ApiFixture.start(null); }

    @AfterAll
    void stop() throws Exception { api.close(); }

    private static String enc(String nqn) { return nqn.replace(":", "%3A"); }

    @Test
    void globalGetAndSet() {
        assertThat(api.get(V + "/global").json().getBoolean("enabled")).isTrue();
        ApiFixture.Reply r = api.call("PUT", V + "/global", JsonObject.of("enabled", false, "baseNqn", "nqn.2026-11.com.example"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(api.get(V + "/global").json()).isEqualTo(JsonObject.of("enabled", false, "baseNqn", "nqn.2026-11.com.example",
                "ana", true, "crossPortReferrals", false, "requireAuth", false)); // ana: balanced by default
        api.patch(V + "/global", JsonObject.of("enabled", true, "ana", false));
        assertThat(api.get(V + "/global").json().getBoolean("ana")).isFalse();
        assertThat(api.get(V + "/global").json().getString("baseNqn")).isEqualTo("nqn.2026-11.com.example");
        // a subsystem created by name gets the base NQN
        ApiFixture.Reply s = api.post(V + "/subsystems", JsonObject.of("name", "byname"));
        assertThat(s.status()).isEqualTo(201);
        assertThat(s.json().getString("nqn")).isEqualTo("nqn.2026-11.com.example:byname");
        assertThat(api.delete(V + "/subsystems/" + enc("nqn.2026-11.com.example:byname")).status()).isEqualTo(204);
        api.call("PUT", V + "/global", JsonObject.of("baseNqn", "nqn.2026-11.io.nvmegate", "ana", true));
    }

    @Test
    void subsystemCrud() {
        String nqn = "nqn.2026-11.io.example:crud-subsys";
        ApiFixture.Reply c = api.post(V + "/subsystems", JsonObject.of("nqn", nqn, "serial", "SN123", "allowAnyHost", false));
        assertThat(c.status()).isEqualTo(201);
        assertThat(c.json().getString("model")).isEqualTo("nvmegate");
        assertThat(api.get(V + "/subsystems/" + enc(nqn)).json().getString("serial")).isEqualTo("SN123");
        assertThat(api.get(V + "/subsystems").array().stream().map(o -> ((JsonObject) o).getString("nqn"))).contains(nqn);
        ApiFixture.Reply u = api.patch(V + "/subsystems/" + enc(nqn), JsonObject.of("model", "fast disk", "allowAnyHost", true));
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.json().getString("model")).isEqualTo("fast disk");
        assertThat(u.json().getString("serial")).isEqualTo("SN123");
        assertThat(api.service.catalog().subsystem(nqn).orElseThrow().allowAnyHost()).isTrue();
        assertThat(api.delete(V + "/subsystems/" + enc(nqn)).status()).isEqualTo(204);
        assertThat(api.get(V + "/subsystems/" + enc(nqn)).status()).isEqualTo(404);
    }

    @Test
    void namespaceCrud() {
        String nqn = "nqn.2026-11.io.example:crud-ns";
        api.post(V + "/subsystems", JsonObject.of("nqn", nqn));
        ApiFixture.Reply a = api.post(V + "/subsystems/" + enc(nqn) + "/namespaces", JsonObject.of("size", "64M", "backend", "null"));
        assertThat(a.status()).isEqualTo(201);
        assertThat(a.json().getLong("nsid")).isEqualTo(1);
        assertThat(a.json().getLong("size")).isEqualTo(64L << 20);
        ApiFixture.Reply b = api.post(V + "/namespaces", JsonObject.of("subsystem", nqn, "nsid", 7, "size", 1 << 20, "blockSize", 512));
        assertThat(b.status()).isEqualTo(201);
        assertThat(a.json().getString("uuid")).isNotEqualTo(b.json().getString("uuid"));
        ApiFixture.Reply c = api.post(V + "/subsystems/" + enc(nqn) + "/namespaces", JsonObject.of("size", "1M"));
        assertThat(c.json().getLong("nsid")).as("lowest free NSID").isEqualTo(2);
        assertThat(api.get(V + "/subsystems/" + enc(nqn) + "/namespaces").array()).hasSize(3);
        assertThat(api.get(V + "/namespaces?subsystem=" + enc(nqn)).array()).hasSize(3);
        ApiFixture.Reply g = api.patch(V + "/subsystems/" + enc(nqn) + "/namespaces/1", JsonObject.of("size", "128M", "enabled", false));
        assertThat(g.status()).isEqualTo(200);
        assertThat(api.service.catalog().namespace(nqn, 1).orElseThrow().sizeBytes()).isEqualTo(128L << 20);
        assertThat(api.service.catalog().namespace(nqn, 1).orElseThrow().enabled()).isFalse();
        assertThat(api.get(V + "/subsystems/" + enc(nqn) + "/namespaces/7").json().getInteger("blockSize")).isEqualTo(512);
        assertThat(api.delete(V + "/subsystems/" + enc(nqn) + "/namespaces/7").status()).isEqualTo(204);
        assertThat(api.get(V + "/subsystems/" + enc(nqn) + "/namespaces/7").status()).isEqualTo(404);
        assertThat(api.delete(V + "/subsystems/" + enc(nqn)).status()).as("still has namespaces").isEqualTo(409);
        assertThat(api.delete(V + "/subsystems/" + enc(nqn) + "?force=true").status()).isEqualTo(204);
        assertThat(api.service.catalog().namespaces(nqn)).isEmpty();
    }

    @Test
    void portAndPortSubsystemCrud() {
        String nqn = "nqn.2026-11.io.example:crud-port";
        api.post(V + "/subsystems", JsonObject.of("nqn", nqn));
        ApiFixture.Reply p = api.post(V + "/ports", JsonObject.of("id", 101, "traddr", "127.0.0.1", "trsvcid", 14420));
        assertThat(p.status()).isEqualTo(201);
        assertThat(p.json().getString("trtype")).isEqualTo("tcp");
        assertThat(api.get(V + "/ports/101").json().getInteger("trsvcid")).isEqualTo(14420);
        ApiFixture.Reply u = api.patch(V + "/ports/101", JsonObject.of("advertisedAddress", "10.0.2.2"));
        assertThat(u.json().getString("advertisedAddress")).isEqualTo("10.0.2.2");
        ApiFixture.Reply l = api.post(V + "/ports/101/subsystems", JsonObject.of("nqn", nqn));
        assertThat(l.status()).isEqualTo(201);
        assertThat(api.get(V + "/ports/101/subsystems").array()).isEqualTo(new JsonArray().add(nqn));
        assertThat(api.delete(V + "/ports/101").status()).as("linked port").isEqualTo(409);
        assertThat(api.delete(V + "/ports/101/subsystems/" + enc(nqn)).status()).as("last link").isEqualTo(409);
        assertThat(api.delete(V + "/subsystems/" + enc(nqn)).status()).as("linked subsystem").isEqualTo(409);
        String other = "nqn.2026-11.io.example:crud-port2";
        api.post(V + "/subsystems", JsonObject.of("nqn", other));
        api.post(V + "/ports/101/subsystems", JsonObject.of("nqn", other));
        assertThat(api.delete(V + "/ports/101/subsystems/" + enc(nqn)).status()).isEqualTo(204);
        assertThat(api.service.catalog().port(101).orElseThrow().subsystems()).containsExactly(other);
        ApiFixture.Reply auto = api.post(V + "/ports", JsonObject.of("traddr", "127.0.0.1", "trsvcid", 14421));
        assertThat(auto.json().getInteger("id")).isEqualTo(102);
        assertThat(api.delete(V + "/ports/102").status()).isEqualTo(204);
        assertThat(api.delete(V + "/ports/101?force=true").status()).isEqualTo(204);
        assertThat(api.get(V + "/ports/101").status()).isEqualTo(404);
        api.delete(V + "/subsystems/" + enc(nqn));
        api.delete(V + "/subsystems/" + enc(other));
    }

    @Test
    void hostAndHostSubsystemCrud() {
        String nqn = "nqn.2026-11.io.example:crud-host";
        String host = "nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-555555555555";
        api.post(V + "/subsystems", JsonObject.of("nqn", nqn, "allowAnyHost", false));
        String key = api.post(V + "/generate-key", JsonObject.of("hash", "sha256")).json().getString("key");
        ApiFixture.Reply h = api.post(V + "/hosts", JsonObject.of("nqn", host, "dhchapKey", key, "hash", "sha384", "dhGroup", "ffdhe3072"));
        assertThat(h.status()).isEqualTo(201);
        // keys are withheld unless asked for explicitly (HostSecretsTest covers the rest)
        assertThat(api.get(V + "/hosts/" + enc(host)).json().getString("dhchapKey")).isEqualTo("<set>");
        assertThat(api.get(V + "/hosts/" + enc(host) + "?secrets=true").json().getString("dhchapKey")).isEqualTo(key);
        assertThat(api.patch(V + "/hosts/" + enc(host), JsonObject.of("dhGroup", "ffdhe8192")).json().getString("dhGroup")).isEqualTo("ffdhe8192");
        assertThat(api.post(V + "/subsystems/" + enc(nqn) + "/hosts", JsonObject.of("host", host)).status()).isEqualTo(201);
        assertThat(api.get(V + "/subsystems/" + enc(nqn) + "/hosts").array()).containsExactly(host);
        assertThat(api.get(V + "/hosts/" + enc(host)).json().getJsonArray("subsystems")).containsExactly(nqn);
        assertThat(api.delete(V + "/hosts/" + enc(host)).status()).as("linked host").isEqualTo(409);
        assertThat(api.delete(V + "/subsystems/" + enc(nqn) + "/hosts/" + enc(host)).status()).isEqualTo(204);
        assertThat(api.service.catalog().subsystem(nqn).orElseThrow().hosts()).isEmpty();
        api.post(V + "/subsystems/" + enc(nqn) + "/hosts", JsonObject.of("host", host));
        assertThat(api.delete(V + "/hosts/" + enc(host) + "?force=true").status()).isEqualTo(204);
        assertThat(api.service.catalog().subsystem(nqn).orElseThrow().hosts()).isEmpty();
        assertThat(api.get(V + "/hosts").array()).isEmpty();
        api.delete(V + "/subsystems/" + enc(nqn));
    }

    @Test
    void referralCrud() {
        ApiFixture.Reply r = api.post(V + "/referrals", JsonObject.of("traddr", "192.0.2.7", "trsvcid", 8009));
        assertThat(r.status()).isEqualTo(201);
        int id = r.json().getInteger("id");
        assertThat(api.get(V + "/referrals/" + id).json().getString("traddr")).isEqualTo("192.0.2.7");
        assertThat(api.patch(V + "/referrals/" + id, JsonObject.of("trsvcid", 8010)).json().getInteger("trsvcid")).isEqualTo(8010);
        assertThat(api.get(V + "/referrals").array()).hasSize(1);
        assertThat(api.delete(V + "/referrals/" + id).status()).isEqualTo(204);
        assertThat(api.get(V + "/referrals/" + id).status()).isEqualTo(404);
    }

    @Test
    void generateKeyIsDhhc1WithCrc() {
        for (String[] c : new String[][] {{"none", "00", "32"}, {"sha256", "01", "32"}, {"sha384", "02", "48"}, {"sha512", "03", "64"}}) {
            String key = api.post(V + "/generate-key", JsonObject.of("hash", c[0])).json().getString("key");
            assertThat(key).startsWith("DHHC-1:" + c[1] + ":").endsWith(":");
            byte[] raw = Base64.getDecoder().decode(key.split(":")[2]);
            int len = Integer.parseInt(c[2]);
            assertThat(raw).hasSize(len + 4);
            CRC32 crc = new CRC32();
            crc.update(raw, 0, len);
            long stored = (raw[len] & 0xFFL) | (raw[len + 1] & 0xFFL) << 8 | (raw[len + 2] & 0xFFL) << 16 | (raw[len + 3] & 0xFFL) << 24;
            assertThat(stored).isEqualTo(crc.getValue());
        }
        assertThat(DhchapKeys.encode(1, new byte[32])).isEqualTo("DHHC-1:01:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACtVQoZ:"); // CRC-32 of 32 zero bytes: 0x190A55AD
    }

    @Test
    void choicesAndOpenApi() {
        JsonObject c = api.get(V + "/choices").json();
        assertThat(c.getJsonArray("dhGroup")).contains("null", "ffdhe2048", "ffdhe8192");
        assertThat(c.getJsonArray("hash")).containsExactly("sha256", "sha384", "sha512");
        assertThat(c.getJsonArray("adrfam")).containsExactly("ipv4", "ipv6");
        JsonObject doc = api.get("/api/openapi.json").json();
        assertThat(doc.getString("openapi")).startsWith("3.");
        assertThat(doc.getJsonObject("paths").fieldNames()).contains(V + "/subsystems", V + "/ports/{id}/subsystems",
                V + "/subsystems/{nqn}/hosts", V + "/hosts", V + "/referrals", V + "/global", V + "/generate-key", V + "/choices", V + "/config");
    }

    @Test
    void saveAndRestoreRoundTrip() {
        String nqn = "nqn.2026-11.io.example:crud-save";
        String host = "nqn.2026-11.io.example:host-save";
        api.post(V + "/subsystems", JsonObject.of("nqn", nqn, "allowAnyHost", false));
        api.post(V + "/subsystems/" + enc(nqn) + "/namespaces", JsonObject.of("size", "8M"));
        api.post(V + "/hosts", JsonObject.of("nqn", host));
        api.post(V + "/subsystems/" + enc(nqn) + "/hosts", JsonObject.of("host", host));
        api.post(V + "/ports", JsonObject.of("id", 201, "traddr", "127.0.0.1", "trsvcid", 14430, "subsystems", new JsonArray().add(nqn)));
        JsonObject saved = api.get(V + "/config").json();
        api.delete(V + "/ports/201?force=true");
        api.delete(V + "/subsystems/" + enc(nqn) + "?force=true");
        api.delete(V + "/hosts/" + enc(host));
        assertThat(api.get(V + "/subsystems/" + enc(nqn)).status()).isEqualTo(404);
        ApiFixture.Reply r = api.call("PUT", V + "/config", saved);
        assertThat(r.status()).isEqualTo(200);
        assertThat(api.get(V + "/config").json()).isEqualTo(saved);
        api.delete(V + "/ports/201?force=true");
        api.delete(V + "/subsystems/" + enc(nqn) + "?force=true");
        api.delete(V + "/hosts/" + enc(host));
    }

    @Test
    void unknownPathIs404Json() {
        ApiFixture.Reply r = api.get(V + "/nothing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().getString("error")).contains("no such resource");
    }
}
