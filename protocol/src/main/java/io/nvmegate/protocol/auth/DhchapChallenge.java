package io.nvmegate.protocol.auth;

import java.util.Objects;

/**
 * DH-HMAC-CHAP_Challenge (controller to host, Authentication Receive), {@code struct
 * nvmf_auth_dhchap_challenge_data}: header (01h, 01h, T_ID @4), HL @6, reserved @7, HASHID @8, DHGID @9,
 * DHVLEN (le16) @10, SEQNUM S1 (le32) @12, C1 [HL] @16, the controller's DH value [DHVLEN] @16+HL.
 * Length 16 + HL + DHVLEN.
 *
 * @param tid       T_ID (the host's, echoed)
 * @param hash      the selected hash (HL is its length)
 * @param group     the selected DH group
 * @param seqnum    S1 (u32 in an int)
 * @param challenge C1, HL bytes
 * @param dhValue   the controller's public value, the group's size (empty for NULL)
 */
public record DhchapChallenge(int tid, DhchapHash hash, DhGroup group, int seqnum, byte[] challenge, byte[] dhValue)
        implements AuthMessage {
    /** Offset of C1. */
    public static final int CVAL = 16;

    public DhchapChallenge {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(group, "group");
        if (challenge.length != hash.length()) throw new IllegalArgumentException("C1 must be HL bytes");
        if (dhValue.length != group.valueLength()) throw new IllegalArgumentException("DH value must be the group's size");
        challenge = challenge.clone();
        dhValue = dhValue.clone();
    }

    /** @return the length of this message: 16 + HL + DHVLEN */
    public int length() {
        return CVAL + hash.length() + dhValue.length;
    }

    @Override
    public byte[] challenge() {
        return challenge.clone();
    }

    @Override
    public byte[] dhValue() {
        return dhValue.clone();
    }

    @Override
    public byte[] encode() {
        return new AuthCodec.Writer(length(), TYPE_DHCHAP, ID_CHALLENGE, tid).u8(6, hash.length()).u8(8, hash.id())
                .u8(9, group.id()).u16(10, dhValue.length).u32(12, seqnum).bytes(CVAL, challenge)
                .bytes(CVAL + hash.length(), dhValue).b;
    }

    /**
     * The host's checks (Linux {@code nvme_auth_process_dhchap_challenge}).
     *
     * @throws DhchapException HASH_UNUSABLE for an unknown HASHID or an HL that is not its length;
     *         DHGROUP_UNUSABLE for an unknown DHGID or an empty DH value with a group; INCORRECT_PAYLOAD for a DH
     *         value with NULL, a DHVLEN that is not the group's size, a short message, reserved bytes or padding
     */
    static DhchapChallenge decode(AuthCodec.Reader r) throws DhchapException {
        r.need(CVAL, "DH-HMAC-CHAP_Challenge");
        r.zero(2, 4, "reserved");
        r.zero(7, 8, "reserved");
        int hl = r.u8(6), dhvlen = r.u16(10);
        DhchapHash hash = DhchapHash.fromId(r.u8(8)).orElseThrow(() ->
                new DhchapException(DhchapFailureReason.HASH_UNUSABLE, "unknown HASHID " + r.u8(8)));
        if (hl != hash.length()) throw new DhchapException(DhchapFailureReason.HASH_UNUSABLE, "HL " + hl + " for " + hash);
        DhGroup group = DhGroup.fromId(r.u8(9)).orElseThrow(() ->
                new DhchapException(DhchapFailureReason.DHGROUP_UNUSABLE, "unknown DHGID " + r.u8(9)));
        if (group.isNull() && dhvlen != 0) {
            throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, "DH value with the NULL DH group");
        }
        if (!group.isNull() && dhvlen == 0) throw new DhchapException(DhchapFailureReason.DHGROUP_UNUSABLE, "empty DH value");
        if (dhvlen != group.valueLength()) {
            throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, "DHVLEN " + dhvlen + " for " + group.linuxName());
        }
        int end = CVAL + hl + dhvlen;
        r.need(end, "DH-HMAC-CHAP_Challenge with HL " + hl + " DHVLEN " + dhvlen);
        r.padding(end);
        return new DhchapChallenge(r.tid(), hash, group, r.u32(12), r.bytes(CVAL, hl), r.bytes(CVAL + hl, dhvlen));
    }
}
