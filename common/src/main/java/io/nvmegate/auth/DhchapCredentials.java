package io.nvmegate.auth;

import io.nvmegate.protocol.auth.DhGroup;
import io.nvmegate.protocol.auth.DhchapHash;
import io.nvmegate.protocol.auth.DhchapSecret;

import java.util.Objects;

/**
 * What the controller knows about one host on one subsystem for DH-HMAC-CHAP (nvmet's host entry: configfs
 * {@code dhchap_key}, {@code dhchap_ctrl_key}, {@code dhchap_hash}, {@code dhchap_dhgroup}).
 *
 * @param hostNqn   the host NQN of the Connect (transforms the host key, enters R1/R2)
 * @param subsysNqn the subsystem NQN of the Connect (transforms the controller key)
 * @param hostKey   the host's secret (required)
 * @param ctrlKey   the controller's secret for bidirectional authentication, or null (a host asking for it then
 *                  gets Failure1 "failed", as nvmet)
 * @param hash      the preferred hash; used if the host offers it, else the first offered one this side knows
 *                  (nvmet; default SHA-256 as nvmet's "Default to SHA256")
 * @param dhGroup   the preferred DH group; used if offered, else the first offered one this side knows (nvmet;
 *                  default NULL as nvmet)
 */
public record DhchapCredentials(String hostNqn, String subsysNqn, DhchapSecret hostKey, DhchapSecret ctrlKey,
                                DhchapHash hash, DhGroup dhGroup) {
    public DhchapCredentials {
        Objects.requireNonNull(hostNqn, "hostNqn");
        Objects.requireNonNull(subsysNqn, "subsysNqn");
        Objects.requireNonNull(hostKey, "hostKey");
        if (hash == null) hash = DhchapHash.SHA256;
        if (dhGroup == null) dhGroup = DhGroup.NULL;
    }

    /** @return true when the controller can authenticate itself to the host (a controller key is configured) */
    public boolean hasCtrlKey() {
        return ctrlKey != null;
    }

    /** Never the keys (their own {@code toString()} hides them; this one leaves them out altogether). */
    @Override
    public String toString() {
        return "DhchapCredentials[host=" + hostNqn + ", subsys=" + subsysNqn + ", ctrlKey=" + hasCtrlKey()
                + ", hash=" + hash.linuxName() + ", dhGroup=" + dhGroup.linuxName() + "]";
    }
}
