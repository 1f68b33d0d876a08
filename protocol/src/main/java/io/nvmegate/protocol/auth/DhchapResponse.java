package io.nvmegate.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The DH-HMAC-CHAP computations (NVMe Base 2.x section 8.3.4.5.2..5; Linux {@code nvme_auth_augmented_challenge},
 * host {@code nvme_auth_dhchap_setup_host_response}/{@code _ctrl_response}, target {@code nvmet_auth_host_hash}/
 * {@code nvmet_auth_ctrl_hash}). H is the negotiated hash; Kt a transformed key ({@link DhchapSecret#transform}).
 *
 * <pre>
 * Ca = HMAC-H(H(Ks), C)                       (augmented challenge; C itself with the NULL DH group)
 * R1 = HMAC-H(Kt_host, Ca1 || LE32(S1) || LE16(T_ID) || SC_C || "HostHost"   || NQNh || 00h || NQNc)
 * R2 = HMAC-H(Kt_ctrl, Ca2 || LE32(S2) || LE16(T_ID) || SC_C || "Controller" || NQNc || 00h || NQNh)
 * </pre>
 * NQNs are their bytes without NUL; SC_C is the Negotiate's secure channel concatenation byte (00h here).
 */
public final class DhchapResponse {
    private static final byte[] HOST = "HostHost".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTROLLER = "Controller".getBytes(StandardCharsets.US_ASCII);

    private DhchapResponse() {}

    /**
     * @param sessionKey Ks, or null for the NULL DH group
     * @return Ca = HMAC-H(H(Ks), C), or a copy of C when {@code sessionKey} is null
     */
    public static byte[] challenge(DhchapHash hash, byte[] sessionKey, byte[] c) {
        if (c.length != hash.length()) throw new IllegalArgumentException("challenge is " + c.length + " bytes, HL is " + hash.length());
        if (sessionKey == null) return c.clone();
        return hash.hmac(hash.digest(sessionKey), c);
    }

    /**
     * R1, the host's response to the controller's challenge.
     *
     * @param transformedHostKey Kt of the host key (transformed with the host NQN)
     * @param challenge          C1 or the augmented Ca1 ({@link #challenge})
     * @param s1                 the Challenge's SEQNUM (u32)
     * @param tid                the transaction ID (u16)
     * @param scC                the Negotiate's SC_C byte
     */
    public static byte[] host(DhchapHash hash, byte[] transformedHostKey, byte[] challenge, int s1, int tid, int scC,
                              String hostNqn, String subsysNqn) {
        return hash.hmac(transformedHostKey, challenge, le32(s1), le16(tid), new byte[] {(byte) scC}, HOST,
                utf8(hostNqn), new byte[1], utf8(subsysNqn));
    }

    /**
     * R2, the controller's response to the host's challenge (bidirectional authentication).
     *
     * @param transformedCtrlKey Kt of the controller key (transformed with the subsystem NQN)
     * @param challenge          C2 or the augmented Ca2
     * @param s2                 the Reply's SEQNUM (u32, not 0)
     */
    public static byte[] controller(DhchapHash hash, byte[] transformedCtrlKey, byte[] challenge, int s2, int tid, int scC,
                                    String hostNqn, String subsysNqn) {
        return hash.hmac(transformedCtrlKey, challenge, le32(s2), le16(tid), new byte[] {(byte) scC}, CONTROLLER,
                utf8(subsysNqn), new byte[1], utf8(hostNqn));
    }

    /** @return true when the two responses are equal, compared in constant time ({@code crypto_memneq}) */
    public static boolean matches(byte[] expected, byte[] received) {
        return MessageDigest.isEqual(expected, received);
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static byte[] le16(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8)};
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
