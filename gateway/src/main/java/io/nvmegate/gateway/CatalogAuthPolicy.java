package io.nvmegate.gateway;

import io.nvmegate.auth.AuthPolicy;
import io.nvmegate.auth.DhchapCredentials;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.HostSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.protocol.auth.DhGroup;
import io.nvmegate.protocol.auth.DhchapHash;
import io.nvmegate.protocol.auth.DhchapSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The gateway's authentication policy, read from its catalog view at every call (so key rotation through the API
 * applies to the next Connect and the next re-authentication):
 * <ul>
 *   <li>a host whose {@link HostSpec} has a {@code dhchapKey} must authenticate on every subsystem it connects to
 *       (nvmet authenticates only on subsystems that do not allow any host, since its host entries hang off the
 *       allowed-hosts list; here a key always protects the host NQN, so nobody else can claim it);</li>
 *   <li>a host without a key is refused at Connect where the global or the subsystem's {@code requireAuth} is true
 *       (the stricter wins);</li>
 *   <li>a key that does not parse (bad CRC or length) counts as "must authenticate, cannot": the host is refused
 *       and a warning names the host, never the key.</li>
 * </ul>
 */
final class CatalogAuthPolicy implements AuthPolicy {
    private static final Logger log = LoggerFactory.getLogger(CatalogAuthPolicy.class);
    private final CatalogView catalog;

    CatalogAuthPolicy(CatalogView catalog) {
        this.catalog = catalog;
    }

    @Override
    public DhchapCredentials credentials(String hostNqn, String subsysNqn) {
        HostSpec h = host(hostNqn);
        if (h == null || h.dhchapKey() == null) return null;
        try {
            DhchapSecret key = DhchapSecret.parse(h.dhchapKey());
            DhchapSecret ctrlKey = h.dhchapCtrlKey() == null ? null : DhchapSecret.parse(h.dhchapCtrlKey());
            return new DhchapCredentials(hostNqn, subsysNqn, key, ctrlKey, hash(h.hash()), group(h.dhGroup()));
        } catch (IllegalArgumentException e) { // InvalidSecretException, or an unknown hash or group name
            log.warn("host {}: its DH-HMAC-CHAP key is not usable ({}); the host cannot authenticate", hostNqn, e.getClass().getSimpleName());
            return null;
        }
    }

    @Override
    public boolean required(String hostNqn, String subsysNqn) {
        HostSpec h = host(hostNqn);
        if (h != null && h.dhchapKey() != null) return true; // a key that did not parse
        if (catalog.global().requireAuth()) return true;
        SubsystemSpec s = catalog.current().subsystem(subsysNqn);
        return s != null && s.requireAuth();
    }

    private HostSpec host(String hostNqn) {
        if (hostNqn.isEmpty()) return null;
        for (HostSpec h : catalog.hosts()) if (h.nqn().equals(hostNqn)) return h;
        return null;
    }

    private static DhchapHash hash(String name) {
        return name == null ? DhchapHash.SHA256 : DhchapHash.valueOf(name.toUpperCase(Locale.ROOT));
    }

    private static DhGroup group(String name) {
        return name == null ? DhGroup.NULL : DhGroup.valueOf(name.toUpperCase(Locale.ROOT));
    }
}
