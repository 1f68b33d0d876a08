package io.nvmegate.catalog;

import io.nvmegate.protocol.tls.ConfiguredPsk;
import io.nvmegate.protocol.tls.InvalidPskException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A host known to the target (map {@value Catalog#HOSTS}, key: host NQN; TrueNAS {@code nvmet.host}). Its
 * access to subsystems is the subsystem's {@link SubsystemSpec#hosts()} list. DH-HMAC-CHAP settings (NVMe Base
 * 2.0 section 8.13) are stored for the authentication transaction; they are not enforced yet.
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
    private static final Pattern DHHC = Pattern.compile("DHHC-1:0[0-3]:[A-Za-z0-9+/]+={0,2}:");

    public JsonObject toJson() {
        JsonObject j = new JsonObject().put("nqn", nqn).put("hash", hash).put("dhGroup", dhGroup);
        if (dhchapKey != null) j.put("dhchapKey", dhchapKey);
        if (dhchapCtrlKey != null) j.put("dhchapCtrlKey", dhchapCtrlKey);
        if (tlsPsk != null) j.put("tlsPsk", tlsPsk);
        return j;
    }

    /** @throws IllegalArgumentException naming the bad field */
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
        if (key != null && !DHHC.matcher(key).matches()) {
            throw new IllegalArgumentException(field + " must be a DHHC-1 secret (DHHC-1:<00-03>:<base64>:)");
        }
    }
}
