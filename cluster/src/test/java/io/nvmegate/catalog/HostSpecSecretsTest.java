package io.nvmegate.catalog;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A host's keys stay out of everything shown: {@code toString} (a record's default prints every component),
 * the redacted JSON (driven by {@link HostSpec#SECRET_FIELDS} alone), parse errors, and scrubbed text.
 */
class HostSpecSecretsTest {
    // DHHC-1 secrets with a valid CRC-32 (nvme gen-dhchap-key form); only their Base64 part is a secret
    static final String KEY = "DHHC-1:01:MTa+MrOZmm8PmZmuErVNY301oPff7yD8BmgK7TQbFhjQDUYb:";
    static final String CTRL = "DHHC-1:03:y02nrpx+fj3b05WkX7oIhEuADBTVFJbS2jzuIvVTINctErZTHCMQdJ0cN/3qrTwpBYBiPHNBqJfv9mLMzTJ0bC/eQKY=:";
    static final String PSK = io.nvmegate.protocol.tls.ConfiguredPsk.generate(io.nvmegate.protocol.tls.PskHash.SHA256).encode();
    static final String NQN = "nqn.2014-08.org.nvmexpress:uuid:0f9c0000-1111-2222-3333-444455556666";

    private static String base64(String dhhc) { return dhhc.split(":")[2]; }

    private static HostSpec keyed() {
        return HostSpec.fromJson(JsonObject.of("nqn", NQN, "dhchapKey", KEY, "dhchapCtrlKey", CTRL, "hash", "sha384", "tlsPsk", PSK));
    }

    @Test
    void toStringNeverPrintsTheKeys() {
        String s = keyed().toString();
        assertThat(s).contains(NQN).contains("sha384").contains("\"dhchapKey\":\"<set>\"").contains("\"dhchapCtrlKey\":\"<set>\"");
        assertThat(s).doesNotContain(base64(KEY)).doesNotContain(base64(CTRL)).doesNotContain("DHHC-1");
        assertThat(new HostSpec(NQN, null, null, "sha256", "null").toString()).doesNotContain("dhchapKey");
    }

    @Test
    void redactedJsonWithholdsEverySecretFieldAndKeepsTheRest() {
        HostSpec h = keyed();
        JsonObject full = h.toJson();
        JsonObject shown = h.toRedactedJson();
        for (String f : HostSpec.SECRET_FIELDS) assertThat(shown.getString(f)).as(f).isEqualTo(HostSpec.SECRET_SET);
        assertThat(shown.copy().put("dhchapKey", KEY).put("dhchapCtrlKey", CTRL).put("tlsPsk", PSK)).isEqualTo(full);
        assertThat(full.getString("dhchapKey")).as("storage keeps the key").isEqualTo(KEY);
        assertThat(HostSpec.fromJson(full)).isEqualTo(h);
        // unset secrets stay absent (not "<set>")
        assertThat(new HostSpec(NQN, KEY, null, "sha256", "null").toRedactedJson().containsKey("dhchapCtrlKey")).isFalse();
    }

    @Test
    void redactIsDrivenByTheFieldList() {
        // any field named in SECRET_FIELDS (e.g. a future tlsPsk) is withheld; others are untouched
        JsonObject j = JsonObject.of("nqn", NQN, "hash", "sha256");
        for (String f : HostSpec.SECRET_FIELDS) j.put(f, "value-of-" + f);
        HostSpec.redact(j);
        for (String f : HostSpec.SECRET_FIELDS) assertThat(j.getString(f)).isEqualTo("<set>");
        assertThat(j.getString("nqn")).isEqualTo(NQN);
        assertThat(j.getString("hash")).isEqualTo("sha256");
    }

    @Test
    void parseErrorsNameTheFieldNotTheValue() {
        assertThatThrownBy(() -> HostSpec.fromJson(JsonObject.of("nqn", NQN, "dhchapKey", "DHHC-1:07:" + base64(KEY) + ":")))
                .hasMessageContaining("host.dhchapKey").hasMessageNotContaining(base64(KEY));
        assertThatThrownBy(() -> HostSpec.fromJson(JsonObject.of("nqn", NQN, "dhchapCtrlKey", CTRL)))
                .hasMessageContaining("needs a dhchapKey").hasMessageNotContaining(base64(CTRL));
        assertThatThrownBy(() -> HostSpec.fromJson(JsonObject.of("nqn", NQN, "dhchapKey", "<set>")))
                .hasMessageContaining("redaction marker");
    }

    @Test
    void scrubReplacesSecretShapedText() {
        String psk = "NVMeTLSkey-1:01:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwNf9LrZ:";
        String msg = "host.hash must be one of [sha256], got " + KEY + " and " + psk + " and DHHC-1:01:abc";
        String s = HostSpec.scrub(msg);
        assertThat(s).doesNotContain(base64(KEY)).doesNotContain("VRLbtnN9").doesNotContain("abc")
                .startsWith("host.hash must be one of [sha256], got <set> and <set> and <set>");
        assertThat(HostSpec.scrub("no secret here: nqn.2014-08.org.nvmexpress:uuid:1")).isEqualTo("no secret here: nqn.2014-08.org.nvmexpress:uuid:1");
        assertThat(HostSpec.scrub(null)).isNull();
        String help = "host.dhchapKey must be a DHHC-1 secret (DHHC-1:<00-03>:<base64>:)";
        assertThat(HostSpec.scrub(help)).as("the format's description is not a secret").isEqualTo(help);
    }
}
