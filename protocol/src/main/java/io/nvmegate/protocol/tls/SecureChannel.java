package io.nvmegate.protocol.tls;

import java.util.List;

/**
 * A port's secure-channel requirement: TREQ bits 1:0 of its discovery log entries and the TLS policy of its
 * listener (NVMe-oF 1.1 Figure 38 TREQ "Secure Channel"; NVMe/TCP 1.1 section 3.6.1; nvmet configfs
 * {@code addr_treq}, {@code addr_tsas}).
 *
 * <ul>
 *   <li>{@link #NOT_SPECIFIED} ({@code not-specified}, TREQ 00b, TSAS SECTYPE 0 none): no TLS; plaintext only.
 *       The default: libnvme turns TLS on for an entry whose TREQ is 01b or 10b, so hosts without a PSK must not see
 *       those.</li>
 *   <li>{@link #NOT_REQUIRED} ({@code not-required}, TREQ 10b, SECTYPE 2 TLS 1.3): TLS 1.3 with a PSK or plaintext,
 *       the host chooses (the first byte of the connection tells a TLS record, 16h, from an ICReq, 00h).</li>
 *   <li>{@link #REQUIRED} ({@code required}, TREQ 01b, SECTYPE 2 TLS 1.3): TLS 1.3 only; a plaintext ICReq is
 *       refused (the connection is closed).</li>
 * </ul>
 */
public enum SecureChannel {
    NOT_SPECIFIED("not-specified", 0),
    REQUIRED("required", 1),
    NOT_REQUIRED("not-required", 2);

    /** TSAS SECTYPE (NVMe/TCP TSAS byte 0): 0 no security, 2 TLS 1.3. */
    public static final int SECTYPE_NONE = 0, SECTYPE_TLS13 = 2;
    public static final List<String> NAMES = List.of("not-specified", "required", "not-required");

    /** Name in the catalog and the API. */
    public final String name;
    /** TREQ bits 1:0. */
    public final int treq;

    SecureChannel(String name, int treq) {
        this.name = name;
        this.treq = treq;
    }

    /** @return TSAS SECTYPE of an entry of a port with this setting */
    public int sectype() {
        return this == NOT_SPECIFIED ? SECTYPE_NONE : SECTYPE_TLS13;
    }

    /** @return whether the port accepts TLS */
    public boolean tls() {
        return this != NOT_SPECIFIED;
    }

    /** @throws IllegalArgumentException for a name not in {@link #NAMES} */
    public static SecureChannel of(String name) {
        for (SecureChannel s : values()) if (s.name.equals(name)) return s;
        throw new IllegalArgumentException("treq must be one of " + NAMES + ", got " + name);
    }
}
