package io.nvmegate.protocol.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * AUTH_Negotiate (host to controller, Authentication Send), {@code struct nvmf_auth_dhchap_negotiate_data}:
 * header (AUTH_Type 00h, AUTH_Id 00h, T_ID @4), SC_C @6 (00h none, 01h NEWTLSPSK, 02h REPLACETLSPSK), NAPD @7
 * (number of protocol descriptors, at least 1), then NAPD descriptors of 64 bytes from @8
 * ({@code struct nvmf_auth_dhchap_protocol_descriptor}): AUTHID @0 (01h DH-HMAC-CHAP), reserved @1, HALEN @2,
 * DHLEN @3, IDLIST[60] @4 with the hash IDs at IDLIST[0..HALEN-1] and the DH group IDs at IDLIST[30..30+DHLEN-1].
 * The Linux host sends 72 bytes offering SHA-256/384/512 and every DH group.
 *
 * @param tid         T_ID
 * @param scC         SC_C
 * @param descriptors the protocol descriptors (at least one)
 */
public record AuthNegotiate(int tid, int scC, List<Descriptor> descriptors) implements AuthMessage {
    /** Offset of the first descriptor; size of a descriptor; most IDs of one kind in a descriptor. */
    public static final int DESCRIPTORS = 8, DESCRIPTOR_SIZE = 64, MAX_IDS = 30;
    /** AUTHID of the DH-HMAC-CHAP protocol descriptor. */
    public static final int AUTHID_DHCHAP = 0x01;

    /**
     * One protocol descriptor.
     *
     * @param authId     AUTHID (01h DH-HMAC-CHAP)
     * @param hashIds    the offered HashIDs, in the host's order (unknown values are kept)
     * @param dhGroupIds the offered DH group IDs, in the host's order
     */
    public record Descriptor(int authId, List<Integer> hashIds, List<Integer> dhGroupIds) {
        public Descriptor {
            hashIds = List.copyOf(hashIds);
            dhGroupIds = List.copyOf(dhGroupIds);
            if (hashIds.size() > MAX_IDS || dhGroupIds.size() > MAX_IDS) {
                throw new IllegalArgumentException("at most " + MAX_IDS + " hash and DH group IDs");
            }
        }
    }

    public AuthNegotiate {
        descriptors = List.copyOf(descriptors);
        if (descriptors.isEmpty() || descriptors.size() > 255) throw new IllegalArgumentException("NAPD must be 1..255");
    }

    /** @return a Negotiate with one DH-HMAC-CHAP descriptor offering these hashes and groups, SC_C 0 */
    public static AuthNegotiate dhchap(int tid, List<DhchapHash> hashes, List<DhGroup> groups) {
        List<Integer> h = new ArrayList<>(), g = new ArrayList<>();
        hashes.forEach(x -> h.add(x.id()));
        groups.forEach(x -> g.add(x.id()));
        return new AuthNegotiate(tid, 0, List.of(new Descriptor(AUTHID_DHCHAP, h, g)));
    }

    /** @return the first DH-HMAC-CHAP descriptor, empty if the host offers another protocol only */
    public Optional<Descriptor> dhchapDescriptor() {
        return descriptors.stream().filter(d -> d.authId() == AUTHID_DHCHAP).findFirst();
    }

    @Override
    public byte[] encode() {
        AuthCodec.Writer w = new AuthCodec.Writer(DESCRIPTORS + DESCRIPTOR_SIZE * descriptors.size(), TYPE_COMMON, ID_NEGOTIATE, tid)
                .u8(6, scC).u8(7, descriptors.size());
        for (int i = 0; i < descriptors.size(); i++) {
            Descriptor d = descriptors.get(i);
            int off = DESCRIPTORS + DESCRIPTOR_SIZE * i;
            w.u8(off, d.authId()).u8(off + 2, d.hashIds().size()).u8(off + 3, d.dhGroupIds().size());
            for (int j = 0; j < d.hashIds().size(); j++) w.u8(off + 4 + j, d.hashIds().get(j));
            for (int j = 0; j < d.dhGroupIds().size(); j++) w.u8(off + 4 + MAX_IDS + j, d.dhGroupIds().get(j));
        }
        return w.b;
    }

    /**
     * @throws DhchapException INCORRECT_PAYLOAD for a short message, NAPD 0, a nonzero reserved byte, HALEN or
     *         DHLEN above 30 (nvmet's check), or nonzero padding
     */
    static AuthNegotiate decode(AuthCodec.Reader r) throws DhchapException {
        r.need(DESCRIPTORS, "AUTH_Negotiate");
        r.zero(2, 4, "reserved");
        int napd = r.u8(7);
        if (napd == 0) throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, "AUTH_Negotiate with NAPD 0");
        int end = DESCRIPTORS + DESCRIPTOR_SIZE * napd;
        r.need(end, "AUTH_Negotiate with NAPD " + napd);
        List<Descriptor> ds = new ArrayList<>();
        for (int i = 0; i < napd; i++) {
            int off = DESCRIPTORS + DESCRIPTOR_SIZE * i;
            r.zero(off + 1, off + 2, "descriptor reserved");
            int halen = r.u8(off + 2), dhlen = r.u8(off + 3);
            if (halen > MAX_IDS || dhlen > MAX_IDS) {
                throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, "HALEN " + halen + " or DHLEN " + dhlen + " above " + MAX_IDS);
            }
            List<Integer> h = new ArrayList<>(), g = new ArrayList<>();
            for (int j = 0; j < halen; j++) h.add(r.u8(off + 4 + j));
            for (int j = 0; j < dhlen; j++) g.add(r.u8(off + 4 + MAX_IDS + j));
            ds.add(new Descriptor(r.u8(off), h, g));
        }
        r.padding(end);
        return new AuthNegotiate(r.tid(), r.u8(6), ds);
    }
}
