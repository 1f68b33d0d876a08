package io.nvmegate.catalog;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SecretSeal}: AES-256-GCM over the secret fields of a catalog entry, bound to map, entry and field. */
class SecretSealTest {
    static final String KEY = "DHHC-1:01:ZmI0ZDcyYzFmZWQ1N2M5YzY5ZDZkNWYwYmQ0YmVlNTS1ycQ6:";
    static final String CTRL = "DHHC-1:00:Y2FmZWJhYmVjYWZlYmFiZWNhZmViYWJlY2FmZWJhYmV7P9NM:";
    static final String NQN = "nqn.2014-08.org.nvmexpress:uuid:0c468c4d-a385-47e0-8299-6e95051277db";

    final byte[] raw = SecretSeal.newKey();
    final SecretSeal seal = SecretSeal.of(raw);

    static JsonObject host(String nqn) {
        return new HostSpec(nqn, KEY, CTRL, "sha384", "ffdhe2048").toJson();
    }

    @Test
    void sealsOnlyTheSecretFieldsAndOpensThemAgain() {
        JsonObject plain = host(NQN).put("tlsPsk", "NVMeTLSkey-1:01:abcd:");
        JsonObject sealed = seal.seal(Catalog.HOSTS, NQN, plain, SecretSeal.HOST_SECRET_FIELDS);
        assertThat(sealed.encode()).doesNotContain(KEY, CTRL, "NVMeTLSkey-1", "ZmI0ZDcy", "Y2FmZWJh");
        for (String f : SecretSeal.HOST_SECRET_FIELDS) {
            assertThat(sealed.getString(f)).startsWith(SecretSeal.PREFIX + seal.kid() + ":");
        }
        assertThat(sealed.getString("nqn")).isEqualTo(NQN);
        assertThat(sealed.getString("hash")).isEqualTo("sha384");
        assertThat(plain.getString("dhchapKey")).as("the input is not modified").isEqualTo(KEY);
        assertThat(seal.open(Catalog.HOSTS, NQN, sealed, SecretSeal.HOST_SECRET_FIELDS)).isEqualTo(plain);
        // a fresh nonce each time: the same secret never seals to the same text
        assertThat(seal.seal(Catalog.HOSTS, NQN, plain, SecretSeal.HOST_SECRET_FIELDS).getString("dhchapKey"))
                .isNotEqualTo(sealed.getString("dhchapKey"));
        // absent fields stay absent, and sealing twice does not seal a sealed value again
        JsonObject noKey = new HostSpec(NQN, null, null, "sha256", "null").toJson();
        assertThat(seal.seal(Catalog.HOSTS, NQN, noKey, SecretSeal.HOST_SECRET_FIELDS)).isEqualTo(noKey);
        assertThat(seal.seal(Catalog.HOSTS, NQN, sealed, SecretSeal.HOST_SECRET_FIELDS)).isEqualTo(sealed);
    }

    /** The value layout the docstring gives, opened here with the JDK directly: nonce(12) || ciphertext || tag(16). */
    @Test
    void valueLayoutIsNonceCiphertextTagWithMapKeyFieldAsAad() throws Exception {
        String v = seal.seal(Catalog.HOSTS, NQN, host(NQN), SecretSeal.HOST_SECRET_FIELDS).getString("dhchapKey");
        String[] parts = v.split(":");
        assertThat(parts).hasSize(3);
        assertThat(parts[1]).hasSize(8).matches("[0-9a-f]{8}");
        byte[] in = Base64.getDecoder().decode(parts[2]);
        assertThat(in).hasSize(12 + KEY.length() + 16);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(raw, "AES"), new GCMParameterSpec(128, in, 0, 12));
        c.updateAAD((Catalog.HOSTS + "/" + NQN + "/dhchapKey").getBytes(StandardCharsets.UTF_8));
        assertThat(new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8)).isEqualTo(KEY);
    }

    @Test
    void aSealedValueMovedToAnotherHostOrFieldDoesNotOpen() {
        JsonObject sealed = seal.seal(Catalog.HOSTS, NQN, host(NQN), SecretSeal.HOST_SECRET_FIELDS);
        String other = "nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-555555555555";
        JsonObject moved = host(other).put("dhchapKey", sealed.getString("dhchapKey"));
        assertThatThrownBy(() -> seal.open(Catalog.HOSTS, other, moved, SecretSeal.HOST_SECRET_FIELDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not open").hasMessageContaining(other);
        JsonObject swapped = sealed.copy().put("dhchapKey", sealed.getString("dhchapCtrlKey"));
        assertThatThrownBy(() -> seal.open(Catalog.HOSTS, NQN, swapped, SecretSeal.HOST_SECRET_FIELDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dhchapKey");
        String v = sealed.getString("dhchapKey");
        char last = v.charAt(v.length() - 3);
        JsonObject flipped = sealed.copy().put("dhchapKey", v.substring(0, v.length() - 3) + (last == 'A' ? 'B' : 'A') + v.substring(v.length() - 2));
        assertThatThrownBy(() -> seal.open(Catalog.HOSTS, NQN, flipped, SecretSeal.HOST_SECRET_FIELDS))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anotherKeyOrNoKeyFailsNamingTheKeysNeverTheSecret() {
        JsonObject sealed = seal.seal(Catalog.HOSTS, NQN, host(NQN), SecretSeal.HOST_SECRET_FIELDS);
        SecretSeal other = SecretSeal.of(SecretSeal.newKey());
        assertThatThrownBy(() -> other.open(Catalog.HOSTS, NQN, sealed, SecretSeal.HOST_SECRET_FIELDS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(seal.kid()).hasMessageContaining(other.kid())
                .hasMessageNotContaining(sealed.getString("dhchapKey").substring(30));
        assertThatThrownBy(() -> SecretSeal.NONE.open(Catalog.HOSTS, NQN, sealed, SecretSeal.HOST_SECRET_FIELDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no --cluster-secret-key");
    }

    @Test
    void plaintextPassesThroughAndNoKeyStoresPlaintext() {
        JsonObject plain = host(NQN);
        assertThat(seal.open(Catalog.HOSTS, NQN, plain, SecretSeal.HOST_SECRET_FIELDS)).isEqualTo(plain);
        assertThat(SecretSeal.NONE.seal(Catalog.HOSTS, NQN, plain, SecretSeal.HOST_SECRET_FIELDS)).isEqualTo(plain);
        assertThat(SecretSeal.NONE.enabled()).isFalse();
    }

    @Test
    void keyFileIsBase64Of32BytesAndErrorsNeverQuoteIt(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.key");
        Files.writeString(good, Base64.getEncoder().encodeToString(raw) + "\n");
        assertThat(SecretSeal.fromKeyFile(good).kid()).isEqualTo(seal.kid());
        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> SecretSeal.fromKeyFile(shortKey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 bytes").hasMessageContaining("openssl rand -base64 32");
        Path notBase64 = dir.resolve("text.key");
        Files.writeString(notBase64, "my secret passphrase!");
        assertThatThrownBy(() -> SecretSeal.fromKeyFile(notBase64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not base64").hasMessageNotContaining("passphrase");
        assertThatThrownBy(() -> SecretSeal.fromKeyFile(dir.resolve("missing.key"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read");
        assertThat(seal.toString()).doesNotContain(Base64.getEncoder().encodeToString(raw));
    }

    @Test
    void everyHostSecretFieldIsListed() {
        assertThat(SecretSeal.HOST_SECRET_FIELDS).containsExactlyInAnyOrder("dhchapKey", "dhchapCtrlKey", "tlsPsk");
        assertThat(List.copyOf(host(NQN).fieldNames())).contains("dhchapKey", "dhchapCtrlKey");
    }
}
