package io.nvmegate.control;

import io.nvmegate.control.cli.CtlCommand;
import io.nvmegate.protocol.auth.DhchapSecret;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who reads the keys through the API and the CLI: {@code GET /hosts}, {@code GET /hosts/{nqn}} and
 * {@code GET /config} show {@code "<set>"} unless asked {@code ?secrets=true}; create/update answers never echo a
 * key; a host sent back with its markers keeps its keys; save/restore keeps the real keys; {@code ctl host create
 * --generate-key} prints the secret once and stores exactly it; {@code ctl save --output} writes a 0600 file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostSecretsTest {
    private static final String V = "/api/v1";
    private ApiFixture api;

    record Run(int code, String out, String err) {}

    @BeforeAll
    void start() throws Exception { api = ApiFixture.start(null); }

    @AfterAll
    void stop() { api.close(); }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    private static String b64(String dhhc) { return dhhc.split(":")[2]; }

    private Run ctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--api";
        full[args.length + 1] = api.base;
        int code = new CommandLine(new CtlCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(full);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void readsWithholdKeysUnlessAskedAndWritesNeverEchoThem() {
        String host = "nqn.2026-11.io.example:secrets-read";
        String key = DhchapSecret.generate(1).format(), ctrl = DhchapSecret.generate(3).format();
        ApiFixture.Reply created = api.post(V + "/hosts", JsonObject.of("nqn", host, "dhchapKey", key, "dhchapCtrlKey", ctrl));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().getString("dhchapKey")).isEqualTo("<set>");
        assertThat(created.json().getString("dhchapCtrlKey")).isEqualTo("<set>");

        JsonObject one = api.get(V + "/hosts/" + enc(host)).json();
        assertThat(one.getString("dhchapKey")).isEqualTo("<set>");
        assertThat(one.getString("dhchapCtrlKey")).isEqualTo("<set>");
        assertThat(api.get(V + "/hosts").array().encode()).contains(host).doesNotContain(b64(key)).doesNotContain(b64(ctrl));
        assertThat(api.get(V + "/config").json().encode()).contains(host).doesNotContain(b64(key)).doesNotContain(b64(ctrl));

        JsonObject asked = api.get(V + "/hosts/" + enc(host) + "?secrets=true").json();
        assertThat(asked.getString("dhchapKey")).isEqualTo(key);
        assertThat(asked.getString("dhchapCtrlKey")).isEqualTo(ctrl);
        assertThat(api.get(V + "/hosts?secrets=true").array().encode()).contains(b64(key));
        assertThat(api.get(V + "/config?secrets=true").json().encode()).contains(b64(key)).contains(b64(ctrl));

        // a client that read the host (markers) and sends it back whole keeps the keys
        ApiFixture.Reply back = api.call("PUT", V + "/hosts/" + enc(host), withoutLinks(one).put("dhGroup", "ffdhe4096"));
        assertThat(back.status()).as(String.valueOf(back.body())).isEqualTo(200);
        assertThat(back.json().getString("dhchapKey")).isEqualTo("<set>");
        assertThat(api.service.catalog().host(host).orElseThrow().dhchapKey()).isEqualTo(key);
        assertThat(api.service.catalog().host(host).orElseThrow().dhGroup()).isEqualTo("ffdhe4096");

        // rotation: a new key replaces the old one, and the answer does not show it
        String rotated = DhchapSecret.generate(1).format();
        ApiFixture.Reply rot = api.patch(V + "/hosts/" + enc(host), JsonObject.of("dhchapKey", rotated));
        assertThat(rot.status()).isEqualTo(200);
        assertThat(rot.body().toString()).doesNotContain(b64(rotated));
        assertThat(api.service.catalog().host(host).orElseThrow().dhchapKey()).isEqualTo(rotated);
        assertThat(api.delete(V + "/hosts/" + enc(host)).status()).isEqualTo(204);
    }

    @Test
    void refusalsNeverQuoteAKey() {
        String host = "nqn.2026-11.io.example:secrets-refused";
        String key = DhchapSecret.generate(2).format();
        assertThat(api.post(V + "/hosts", JsonObject.of("nqn", host, "dhchapKey", key)).status()).isEqualTo(201);
        // a key in the wrong field: the parser's message would quote it
        ApiFixture.Reply wrongField = api.patch(V + "/hosts/" + enc(host), JsonObject.of("hash", key));
        assertThat(wrongField.status()).isEqualTo(400);
        assertThat(wrongField.json().getString("field")).isEqualTo("hash");
        assertThat(wrongField.body().toString()).doesNotContain(b64(key));
        // malformed JSON around a key: the JSON parser's message would quote the body
        ApiFixture.Reply malformed = api.call("POST", V + "/hosts", "{\"nqn\":\"" + host + "2\",\"dhchapKey\":\"" + key + "\" oops}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().getString("error")).contains("not valid JSON").doesNotContain(b64(key));
        // a bad key: the message names the field only
        String bad = "DHHC-1:09:" + b64(key) + ":";
        ApiFixture.Reply badKey = api.patch(V + "/hosts/" + enc(host), JsonObject.of("dhchapKey", bad));
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.json().getString("field")).isEqualTo("dhchapKey");
        assertThat(badKey.body().toString()).doesNotContain(b64(key));
        assertThat(api.delete(V + "/hosts/" + enc(host)).status()).isEqualTo(204);
    }

    @Test
    void restoreGetsTheRealKeysAndRefusesMarkers() {
        String host = "nqn.2026-11.io.example:secrets-restore";
        String key = DhchapSecret.generate(1).format();
        assertThat(api.post(V + "/hosts", JsonObject.of("nqn", host, "dhchapKey", key)).status()).isEqualTo(201);
        JsonObject withKeys = api.get(V + "/config?secrets=true").json();
        JsonObject redacted = api.get(V + "/config").json();

        ApiFixture.Reply refused = api.call("PUT", V + "/config", redacted);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().getString("field")).isEqualTo("dhchapKey");
        assertThat(refused.json().getString("error")).contains("hosts[").contains("redaction marker");
        assertThat(api.service.catalog().host(host).orElseThrow().dhchapKey()).as("a refused restore changes nothing").isEqualTo(key);

        api.delete(V + "/hosts/" + enc(host));
        assertThat(api.call("PUT", V + "/config", withKeys).status()).isEqualTo(200);
        assertThat(api.service.catalog().host(host).orElseThrow().dhchapKey()).isEqualTo(key);
        api.delete(V + "/hosts/" + enc(host));
    }

    @Test
    void ctlGeneratesTheKeyPrintsItOnceAndStoresIt() {
        String host = "nqn.2026-11.io.example:secrets-ctl";
        Run r = ctl("host", "create", "--nqn", host, "--generate-key", "--generate-ctrl-key", "--hash", "sha384");
        assertThat(r.code()).as(r.err()).isZero();
        var stored = api.service.catalog().host(host).orElseThrow();
        DhchapSecret k = DhchapSecret.parse(stored.dhchapKey());
        assertThat(k.transformHashId()).isEqualTo(2);
        assertThat(k.keyLength()).as("nvme gen-dhchap-key --hmac=2").isEqualTo(48);
        assertThat(DhchapSecret.parse(stored.dhchapCtrlKey()).keyLength()).isEqualTo(48);
        assertThat(stored.dhchapKey()).isNotEqualTo(stored.dhchapCtrlKey());
        assertThat(count(r.out(), stored.dhchapKey())).as("printed exactly once").isEqualTo(1);
        assertThat(count(r.out(), stored.dhchapCtrlKey())).isEqualTo(1);
        assertThat(r.err()).isEmpty();

        // later reads show the marker; --secrets is the explicit request
        Run get = ctl("host", "get", host);
        assertThat(get.out()).contains("<set>").doesNotContain(b64(stored.dhchapKey()));
        assertThat(ctl("host", "list").out()).contains(host).doesNotContain(b64(stored.dhchapKey()));
        assertThat(ctl("host", "get", host, "--secrets").out()).contains(stored.dhchapKey());

        // rotation through ctl: the new secret (default sha256: hh 01, 32 bytes) printed once, as JSON too
        Run rot = ctl("host", "update", host, "--generate-key", "--json");
        assertThat(rot.code()).as(rot.err()).isZero();
        String rotated = api.service.catalog().host(host).orElseThrow().dhchapKey();
        assertThat(rotated).isNotEqualTo(stored.dhchapKey()).startsWith("DHHC-1:01:");
        assertThat(DhchapSecret.parse(rotated).keyLength()).isEqualTo(32);
        assertThat(new JsonObject(rot.out()).getString("dhchapKey")).isEqualTo(rotated);
        assertThat(new JsonObject(rot.out()).getString("dhchapCtrlKey")).isEqualTo("<set>");

        Run given = ctl("host", "update", host, "--dhchap-key", DhchapSecret.generate(1).format());
        assertThat(given.code()).isZero();
        assertThat(given.out()).contains("<set>").doesNotContain("DHHC-1");
        assertThat(ctl("host", "update", host, "--generate-key", "--dhchap-key", rotated).code()).as("both").isEqualTo(2);
        assertThat(ctl("host", "delete", host).code()).isZero();
    }

    @Test
    void ctlSaveWritesAPrivateFileThatRestores(@TempDir Path dir) throws Exception {
        String host = "nqn.2026-11.io.example:secrets-save";
        String key = DhchapSecret.generate(1).format();
        assertThat(api.post(V + "/hosts", JsonObject.of("nqn", host, "dhchapKey", key)).status()).isEqualTo(201);
        Path file = dir.resolve("nvmegate.json");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Run save = ctl("save", "--output", file.toString());
        assertThat(save.code()).as(save.err()).isZero();
        assertThat(save.out()).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains(key);
        Run plain = ctl("save", "--without-secrets");
        assertThat(plain.out()).contains(host).doesNotContain(b64(key));
        assertThat(ctl("save").out()).as("stdout, for restore").contains(key);

        api.delete(V + "/hosts/" + enc(host));
        Run restore = ctl("restore", file.toString());
        assertThat(restore.code()).as(restore.err()).isZero();
        assertThat(api.service.catalog().host(host).orElseThrow().dhchapKey()).isEqualTo(key);
        api.delete(V + "/hosts/" + enc(host));
        assertThat(ctl("save", "--output", dir.resolve("missing/x.json").toString()).code()).isEqualTo(1);
    }

    private static JsonObject withoutLinks(JsonObject host) {
        JsonObject j = host.copy();
        j.remove("subsystems"); // read-only (the links are the subsystems' host lists)
        return j;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }

}
