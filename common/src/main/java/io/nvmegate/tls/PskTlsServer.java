package io.nvmegate.tls;

import io.nvmegate.protocol.tls.ConfiguredPsk;
import io.nvmegate.protocol.tls.InvalidPskException;
import io.nvmegate.protocol.tls.PskIdentity;
import io.nvmegate.protocol.tls.TlsPsk;
import io.nvmegate.protocol.tls.TlsPskDerivation;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.crypto.TlsCrypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Vector;

/**
 * The TLS 1.3 server of one NVMe/TCP connection (NVMe/TCP 1.1 section 3.6.1): TLS 1.3 only, external PSK only (no
 * certificate; BC's TLS 1.3 server does psk_dhe_ke), cipher suites TLS_AES_128_GCM_SHA256 (PSK identity hash 01)
 * and TLS_AES_256_GCM_SHA384 (02). The PSK is chosen by identity ({@link #getExternalPSK}): the first offered identity
 * that parses as an NVMe PSK identity ({@link PskIdentity}), names a host whose configured PSK the port's
 * {@link TlsPskSource} returns, and (version 1) whose PSK digest matches that key. None → the handshake fails
 * (BC sends handshake_failure) and the connection closes. No key material is logged.
 */
final class PskTlsServer extends AbstractTlsServer {
    private final TlsPskSource psks;
    private volatile PskIdentity chosen;
    private volatile String refusal;

    PskTlsServer(TlsCrypto crypto, TlsPskSource psks) {
        super(crypto);
        this.psks = psks;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv13.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[]{CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384};
    }

    /** The cipher suite of the chosen PSK's hash (a TLS 1.3 PSK is bound to its hash; NVMe/TCP 1.1 section 3.6.1.2). */
    @Override
    public int getSelectedCipherSuite() throws IOException {
        PskIdentity id = chosen;
        if (id != null) {
            int suite = id.hash() == io.nvmegate.protocol.tls.PskHash.SHA384 ? CipherSuite.TLS_AES_256_GCM_SHA384 : CipherSuite.TLS_AES_128_GCM_SHA256;
            if (Arrays.stream(offeredCipherSuites).anyMatch(s -> s == suite)) {
                selectedCipherSuite = suite;
                return suite;
            }
        }
        return super.getSelectedCipherSuite();
    }

    @Override
    public TlsCredentials getCredentials() {
        return null; // PSK only: no certificate
    }

    @Override
    public TlsPSKExternal getExternalPSK(@SuppressWarnings("rawtypes") Vector identities) {
        for (Object o : identities) {
            byte[] raw = ((org.bouncycastle.tls.PskIdentity) o).getIdentity();
            String text = new String(raw, StandardCharsets.US_ASCII);
            PskIdentity offered;
            try {
                offered = PskIdentity.parse(text);
            } catch (InvalidPskException e) {
                refusal = "offered PSK identity is not an NVMe one (" + e.getMessage() + ")";
                continue;
            }
            ConfiguredPsk key = psks.configuredPsk(offered.hostNqn(), offered.subNqn());
            if (key == null) {
                refusal = "no TLS PSK for host " + offered.hostNqn() + " on " + offered.subNqn() + " at this port";
                continue;
            }
            TlsPsk psk = TlsPskDerivation.forIdentity(key, offered);
            if (psk == null) {
                refusal = "PSK identity " + offered + " does not match host " + offered.hostNqn() + "'s configured PSK";
                continue;
            }
            chosen = offered;
            byte[] k = psk.key();
            TlsPSKExternal ext = new BasicTlsPSKExternal(raw, getCrypto().createSecret(k),
                    psk.cipherSuite() == 0x1302 ? PRFAlgorithm.tls13_hkdf_sha384 : PRFAlgorithm.tls13_hkdf_sha256);
            Arrays.fill(k, (byte) 0);
            return ext;
        }
        if (refusal == null) refusal = "no PSK identity offered";
        return null;
    }

    @Override
    public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
        if (refusal == null) refusal = "sent " + AlertDescription.getText(description) + (message == null ? "" : ": " + message);
    }

    @Override
    public void notifyAlertReceived(short level, short description) {
        if (refusal == null && description != AlertDescription.close_notify) refusal = "host sent " + AlertDescription.getText(description);
    }

    /** The identity of the PSK the handshake used, or null. */
    PskIdentity chosen() {
        return chosen;
    }

    /** Why the handshake was refused (for the log), or null. */
    String refusal() {
        return refusal;
    }
}
