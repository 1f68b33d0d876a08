package io.nvmegate.catalog;

import io.nvmegate.protocol.tls.ConfiguredPsk;
import io.nvmegate.protocol.tls.InvalidPskException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A host known to the target (map {@value Catalog#HOSTS}, key: host NQN; TrueNAS {@code nvmet.host}). Its
 * access to subsystems is the subsystem's {@link SubsystemSpec#hosts()} list. DH-HMAC-CHAP settings (NVMe Base
 * 2.0 section 8.13) are stored for the authentication transaction.
 *
 * <p><b>Secrets.</b> The fields named in {@link #SECRET_FIELDS} hold keys. {@link #toJson()} carries them (the
 * catalog maps, the catalog store and a saved configuration need them); everything meant to be shown —
 * {@link #toString()}, API answers, CLI tables, log lines — goes through {@link #toRedactedJson()} /
 * {@link #redact(JsonObject)}, which replace each set secret by {@value #SECRET_SET}. A field added to
 * {@link #SECRET_FIELDS} is redacted everywhere without further code.
 *
 * @param nqn            host NQN (≤ 223 bytes)
 * @param dhchapKey      host secret, {@code DHHC-1:<hh>:<base64 key + CRC-32>:}, or null
 * @param dhchapCtrlKey  controller secret for bidirectional authentication, same form, or null
 * @param hash           HMAC hash: {@code sha256}, {@code sha384} or {@code sha512}
 * @param dhGroup        DH group: {@code null} (no DH exchange) or {@code ffdhe2048} .. {@code ffdhe8192}
 * @param tlsPsk         configured PSK for the NVMe/TCP secure channel (TLS 1.3) in the PSK interchange format
 *                       {@code NVMeTLSkey-1:<hh>:<base64 PSK + CRC-32>:} ({@link ConfiguredPsk}), or null; a secret
 */
public record HostSpec(String nqn, String dhchapKey, String dhchapCtrlKey, String hash, String dhGroup, String tlsPsk) {
    /** A host without a TLS PSK. */
    public HostSpec(String nqn, String dhchapKey, String dhchapCtrlKey, String hash, String dhGroup) {
        this(nqn, dhchapKey, dhchapCtrlKey, hash, dhGroup, null);
    }

    /** @return the host's configured TLS PSK, or null (the stored value was validated when written) */
    public ConfiguredPsk configuredTlsPsk() {
        return tlsPsk == null ? null : ConfiguredPsk.parse(tlsPsk);
    }

    public static final List<String> HASHES = List.of("sha256", "sha384", "sha512");
    public static final List<String> DH_GROUPS = List.of("null", "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192");
    /** The JSON fields of a host that hold secrets: never shown, logged or echoed (see {@link #redact}). */
    public static final List<String> SECRET_FIELDS = List.of("dhchapKey", "dhchapCtrlKey", "tlsPsk");
    /** What a redacted secret reads as: the field is set, its value is withheld. */
    public static final String SECRET_SET = "<set>";
    private static final Pattern DHHC = Pattern.compile("DHHC-1:0[0-3]:[A-Za-z0-9+/]+={0,2}:");
    /**
     * Anything shaped like a secret in its interchange form — {@code DHHC-1:hh:...} (DH-HMAC-CHAP) or
     * {@code NVMeTLSkey-1:hh:...} (TLS PSK) — wherever it appears in a text, also misplaced in a non-secret field.
     */
    private static final Pattern SECRET_TEXT = Pattern.compile("(DHHC-1|NVMeTLSkey-1):[0-9A-Za-z]{1,2}:[A-Za-z0-9+/=]+:?");

    /** @return the full JSON form, secrets included: for the catalog maps and a saved configuration only */
    public JsonObject toJson() {
        JsonObject j = new JsonObject().put("nqn", nqn).put("hash", hash).put("dhGroup", dhGroup);
        if (dhchapKey != null) j.put("dhchapKey", dhchapKey);
        if (dhchapCtrlKey != null) j.put("dhchapCtrlKey", dhchapCtrlKey);
        if (tlsPsk != null) j.put("tlsPsk", tlsPsk);
        return j;
    }

    /** @return {@link #toJson()} with every set secret replaced by {@value #SECRET_SET} */
    public JsonObject toRedactedJson() { return redact(toJson()); }

    /**
     * Replaces, in place, the value of every {@link #SECRET_FIELDS} field present in {@code host} (a host's JSON
     * form) by {@value #SECRET_SET}; absent or null fields stay as they are.
     *
     * @return {@code host}
     */
    public static JsonObject redact(JsonObject host) {
        for (String f : SECRET_FIELDS) {
            if (host.getValue(f) != null) host.put(f, SECRET_SET);
        }
        return host;
    }

    /** @return true if {@code value} is the redaction marker (a client sent back what it was shown) */
    public static boolean isRedacted(Object value) { return SECRET_SET.equals(value); }

    /**
     * @return {@code text} (an error message, a log line) with every secret-shaped substring replaced by
     * {@value #SECRET_SET}: the last line of defence for messages that echo a value a client put in the wrong field
     */
    public static String scrub(String text) {
        return text == null ? null : SECRET_TEXT.matcher(text).replaceAll(SECRET_SET);
    }

    /** @return the redacted JSON form: a record's default {@code toString} would print the keys */
    @Override
    public String toString() { return "HostSpec" + toRedactedJson().encode(); }

    /** @throws IllegalArgumentException naming the bad field; the message never contains a secret's value */
    public static HostSpec fromJson(JsonObject j) {
        String nqn = j.getString("nqn");
        SubsystemSpec.checkNqn("host.nqn", nqn);
        String key = j.getString("dhchapKey");
        checkKey("host.dhchapKey", key);
        String ctrlKey = j.getString("dhchapCtrlKey");
        checkKey("host.dhchapCtrlKey", ctrlKey);
        if (ctrlKey != null && key == null) throw new IllegalArgumentException("host.dhchapCtrlKey needs a dhchapKey (bidirectional authentication)");
        String hash = j.getString("hash", "sha256");
        if (!HASHES.contains(hash)) throw new IllegalArgumentException("host.hash must be one of " + HASHES + ", got " + hash);
        String group = j.getString("dhGroup", "null");
        if (!DH_GROUPS.contains(group)) throw new IllegalArgumentException("host.dhGroup must be one of " + DH_GROUPS + ", got " + group);
        String tlsPsk = j.getString("tlsPsk");
        if (isRedacted(tlsPsk)) checkKey("host.tlsPsk", tlsPsk); // the marker: say so, as for the DH-HMAC-CHAP keys
        if (tlsPsk != null) {
            try {
                ConfiguredPsk.parse(tlsPsk);
            } catch (InvalidPskException e) {
                throw new IllegalArgumentException("host.tlsPsk: " + e.getMessage());
            }
        }
        return new HostSpec(nqn, key, ctrlKey, hash, group, tlsPsk);
    }

    private static void checkKey(String field, String key) {
        if (key == null || DHHC.matcher(key).matches()) return;
        if (isRedacted(key)) {
            throw new IllegalArgumentException(field + " is the redaction marker " + SECRET_SET + ", not a key: the document "
                    + "was read without its secrets (read it with ?secrets=true, or ctl save)");
        }
        throw new IllegalArgumentException(field + " must be a DHHC-1 secret (DHHC-1:<00-03>:<base64>:)");
    }
}
