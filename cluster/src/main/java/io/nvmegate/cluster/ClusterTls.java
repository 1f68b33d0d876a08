package io.nvmegate.cluster;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * TLS 1.3 with mutual authentication on the clustered event bus (every block request and reply between gateways
 * and block workers travels on it). Each member holds a certificate issued by the cluster CA and trusts only that
 * CA: the event bus server requires a client certificate ({@link ClientAuth#REQUIRED}), and the same options
 * configure the member's outgoing connections (Vert.x 5 builds the event bus's {@code NetClientOptions} from the
 * {@link EventBusOptions}), so a member without a certificate of the cluster CA can neither send to nor receive
 * from the others.
 *
 * <p>Hostname verification: none. Vert.x 5.0's clustered event bus sets the client's hostname verification
 * algorithm to {@code ""} whatever the options say, and members reach each other by the address they published
 * (in containers: an address assigned at start, unknown when certificates are made). The trust anchor is a CA
 * dedicated to one nvmegate cluster: every certificate it issues is a member, so a member's identity is "holds a
 * key certified by the cluster CA", not a host name. Do not use a public or company-wide CA here.
 *
 * @param certPath PEM certificate of this member, issued by the cluster CA
 * @param keyPath  PEM private key of {@code certPath} (PKCS#8 {@code PRIVATE KEY}, or PKCS#1 RSA / SEC1 EC)
 * @param caPath   PEM certificate(s) of the cluster CA: the only issuers trusted for peers
 */
public record ClusterTls(Path certPath, Path keyPath, Path caPath) {
    /** TLS protocol versions the event bus accepts. */
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.3");

    public ClusterTls {
        if (certPath == null || keyPath == null || caPath == null) {
            throw new IllegalArgumentException("cluster TLS needs a certificate, its key and the cluster CA");
        }
    }

    /**
     * Built from the three launcher options: all unset gives null (no TLS), all set a {@code ClusterTls}.
     *
     * @throws IllegalArgumentException when only some are set, or a file is not readable (naming the option)
     */
    public static ClusterTls of(String cert, String key, String ca) {
        boolean c = set(cert), k = set(key), a = set(ca);
        if (!c && !k && !a) return null;
        if (!c || !k || !a) {
            throw new IllegalArgumentException("--cluster-tls-cert, --cluster-tls-key and --cluster-tls-ca go together"
                    + " (set: " + (c ? "cert " : "") + (k ? "key " : "") + (a ? "ca" : "") + ")");
        }
        ClusterTls t = new ClusterTls(Path.of(cert.trim()), Path.of(key.trim()), Path.of(ca.trim()));
        readable("--cluster-tls-cert", t.certPath);
        readable("--cluster-tls-key", t.keyPath);
        readable("--cluster-tls-ca", t.caPath);
        return t;
    }

    private static boolean set(String s) {
        return s != null && !s.isBlank();
    }

    private static void readable(String option, Path p) {
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException(option + ": cannot read " + p);
        }
    }

    /** Turns on TLS 1.3 with this member's certificate, the cluster CA as the only trust anchor and client auth. */
    public EventBusOptions applyTo(EventBusOptions o) {
        return o.setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certPath.toString()).setKeyPath(keyPath.toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(caPath.toString()))
                .setTrustAll(false)
                .setClientAuth(ClientAuth.REQUIRED)
                .setEnabledSecureTransportProtocols(PROTOCOLS);
    }
}
