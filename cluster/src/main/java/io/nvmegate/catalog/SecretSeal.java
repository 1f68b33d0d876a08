package io.nvmegate.catalog;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.json.JsonObject;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Seals secret fields of catalog entries before they enter Hazelcast (AES-256-GCM, JDK {@code javax.crypto}), so what
 * Hazelcast replicates between members, and what {@link CatalogMapStore} and {@link CatalogReplica} write to disk,
 * holds only ciphertext. Hazelcast Community Edition neither encrypts nor authenticates its member protocol; the
 * cluster secret key is a file only nvmegate members hold ({@code --cluster-secret-key}), never in Hazelcast.
 *
 * <p>A sealed field's value: {@code NVMEGATE-SEALED-1:<kid>:<base64(nonce || ciphertext || tag)>}, where
 * {@code kid} is 8 hex digits, the first 4 bytes of SHA-256(key) (names the key in errors; reveals nothing of a
 * 256-bit random key), the nonce is 12 random bytes, the tag 16 bytes. The additional authenticated data is
 * {@code <map>/<entry key>/<field>} in UTF-8, so a sealed value copied to another host or field does not open.
 *
 * <p>Applied at one boundary: {@link Catalog} seals on write and opens on read for the fields in
 * {@link #HOST_SECRET_FIELDS}; every other reader goes through {@code Catalog}. A member with a key reads plaintext
 * values as they are (entries written before sealing was turned on; the next write seals them). A member without
 * the key, or with another key, fails on a sealed value with {@link IllegalStateException} (never the value, never a
 * silent "no key": a host whose key vanished would be a host that needs no authentication).
 */
public final class SecretSeal {
    /** {@link HostSpec} JSON fields that hold secrets (DH-HMAC-CHAP host and controller keys, the TLS PSK). */
    public static final List<String> HOST_SECRET_FIELDS = List.of("dhchapKey", "dhchapCtrlKey", "tlsPsk");
    /** Prefix of a sealed value. */
    public static final String PREFIX = "NVMEGATE-SEALED-1:";
    /** Key of the seal in Hazelcast's user context ({@link Config#getUserContext()}). */
    static final String USER_CONTEXT_KEY = SecretSeal.class.getName();
    /** Key length in bytes (AES-256). */
    public static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12, TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** No key: values are stored as given; a sealed value cannot be opened. */
    public static final SecretSeal NONE = new SecretSeal(null);

    private final SecretKeySpec key;
    private final String kid;

    private SecretSeal(byte[] key) {
        this.key = key == null ? null : new SecretKeySpec(key, "AES");
        this.kid = key == null ? null : kid(key);
    }

    /** @param key {@value #KEY_BYTES} bytes */
    public static SecretSeal of(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the cluster secret key must be " + KEY_BYTES + " bytes");
        }
        return new SecretSeal(key.clone());
    }

    /**
     * Reads a key file: the base64 of {@value #KEY_BYTES} random bytes ({@code openssl rand -base64 32}), surrounding
     * white space ignored.
     *
     * @throws IllegalArgumentException when the file cannot be read or does not hold such a key (the message never
     *                                  quotes the file's content)
     */
    public static SecretSeal fromKeyFile(Path file) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new IllegalArgumentException("--cluster-secret-key: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--cluster-secret-key: " + file + " is not base64 (make one with: openssl rand -base64 32)");
        }
        try {
            if (raw.length != KEY_BYTES) {
                throw new IllegalArgumentException("--cluster-secret-key: " + file + " holds " + raw.length + " bytes, not "
                        + KEY_BYTES + " (make one with: openssl rand -base64 32)");
            }
            return of(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** @return a new random key, for tests and tools */
    public static byte[] newKey() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return k;
    }

    /** @return whether this seal holds a key */
    public boolean enabled() {
        return key != null;
    }

    /** @return the key ID (8 hex digits), or null without a key */
    public String kid() {
        return kid;
    }

    /** Makes this seal the one {@link #of(HazelcastInstance)} returns for members built from {@code c}. */
    public void install(Config c) {
        if (enabled()) c.getUserContext().put(USER_CONTEXT_KEY, this);
    }

    /** @return the seal installed in {@code hz}'s configuration, else {@link #NONE} */
    public static SecretSeal of(HazelcastInstance hz) {
        Object s = hz.getUserContext().get(USER_CONTEXT_KEY);
        return s instanceof SecretSeal seal ? seal : NONE;
    }

    /** @return whether {@code value} is a sealed value */
    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /**
     * @param map    the catalog map the entry goes to
     * @param key    the entry's key
     * @param fields the JSON fields to seal (absent or null ones are skipped)
     * @return a copy of {@code entry} with those fields sealed; {@code entry} itself without a key
     */
    public JsonObject seal(String map, String key, JsonObject entry, List<String> fields) {
        if (!enabled()) return entry;
        JsonObject out = entry.copy();
        for (String f : fields) {
            Object v = out.getValue(f);
            if (v instanceof String s && !isSealed(s)) out.put(f, seal(aad(map, key, f), s));
        }
        return out;
    }

    /**
     * @return a copy of {@code entry} with the sealed ones among {@code fields} opened (plaintext ones as they are)
     * @throws IllegalStateException when a field is sealed and this member has no key, another key, or the value was
     *                               altered or moved (names the map, entry and field, never a value)
     */
    public JsonObject open(String map, String key, JsonObject entry, List<String> fields) {
        JsonObject out = null;
        for (String f : fields) {
            Object v = entry.getValue(f);
            if (v instanceof String s && isSealed(s)) {
                if (out == null) out = entry.copy();
                out.put(f, open(aad(map, key, f), s));
            }
        }
        return out == null ? entry : out;
    }

    private static byte[] aad(String map, String key, String field) {
        return (map + "/" + key + "/" + field).getBytes(StandardCharsets.UTF_8);
    }

    private String seal(byte[] aad, String plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + ct.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
            return PREFIX + kid + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private String open(byte[] aad, String sealed) {
        String where = new String(aad, StandardCharsets.UTF_8);
        int colon = sealed.indexOf(':', PREFIX.length());
        if (colon < 0) throw new IllegalStateException("sealed secret " + where + " is malformed");
        String valueKid = sealed.substring(PREFIX.length(), colon);
        if (!enabled()) {
            throw new IllegalStateException("secret " + where + " is sealed (key " + valueKid
                    + ") and this member has no --cluster-secret-key");
        }
        if (!valueKid.equals(kid)) {
            throw new IllegalStateException("secret " + where + " is sealed with key " + valueKid
                    + ", this member's --cluster-secret-key is " + kid);
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(colon + 1));
            if (in.length < NONCE_BYTES + TAG_BITS / 8) throw new IllegalStateException("sealed secret " + where + " is malformed");
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(aad);
            return new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("sealed secret " + where + " does not open: altered, or sealed for another entry");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("sealed secret " + where + " is malformed");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static String kid(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return enabled() ? "SecretSeal[kid=" + kid + "]" : "SecretSeal[none]";
    }
}
