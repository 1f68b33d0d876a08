package io.nvmegate.replication.it;

import io.nvmegate.ana.AnaState;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An Asymmetric Namespace Access log page (LID 0Ch, NVMe Base 2.0 section 5.16.1.13) as a host decodes it. Header:
 * CHGCNT le64 @0, NGRPS le16 @8, 16 bytes; then per group a 32-byte descriptor: ANAGRPID le32 @0, NNSIDS le32 @4,
 * CHGCNT le64 @8, ANA state u8 @16 (bits 3:0), followed by NNSIDS NSIDs (le32).
 *
 * @param changeCount the header's CHGCNT
 * @param groups      by ANAGRPID
 */
public record AnaLogPage(long changeCount, Map<Integer, Group> groups) {
    /** One group descriptor: its state code and NSIDs, in page order. */
    public record Group(int anaGroup, long changeCount, int stateCode, List<Integer> nsids) {
        /** @return the state, or null for a code nvmegate never reports */
        public AnaState state() {
            for (AnaState s : AnaState.values()) if (s.code == stateCode) return s;
            return null;
        }
    }

    /** Decodes {@code page} (read with length 4096: the rest is zero). */
    public static AnaLogPage parse(byte[] page) {
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        long chg = b.getLong(0);
        int ngrps = Short.toUnsignedInt(b.getShort(8));
        Map<Integer, Group> groups = new TreeMap<>();
        int off = 16;
        for (int i = 0; i < ngrps; i++) {
            if (off + 32 > page.length) throw new IllegalArgumentException("ANA log: descriptor " + i + " beyond " + page.length + " bytes");
            int grp = b.getInt(off);
            int nn = b.getInt(off + 4);
            long gchg = b.getLong(off + 8);
            int state = page[off + 16] & 0x0F;
            List<Integer> nsids = new ArrayList<>();
            for (int k = 0; k < nn; k++) nsids.add(b.getInt(off + 32 + 4 * k));
            groups.put(grp, new Group(grp, gchg, state, Collections.unmodifiableList(nsids)));
            off += 32 + 4 * nn;
        }
        return new AnaLogPage(chg, Collections.unmodifiableMap(groups));
    }

    /** @return the state of group {@code anaGroup}, null if the page does not list it */
    public AnaState state(int anaGroup) {
        Group g = groups.get(anaGroup);
        return g == null ? null : g.state();
    }

    /** @return the group holding {@code nsid}, or 0 */
    public int groupOf(int nsid) {
        for (Group g : groups.values()) if (g.nsids().contains(nsid)) return g.anaGroup();
        return 0;
    }

    /** @return e.g. {@code chgcnt 3: 1=optimized 2=non-optimized} */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("chgcnt ").append(changeCount).append(':');
        for (Group g : groups.values()) {
            AnaState st = g.state();
            s.append(' ').append(g.anaGroup()).append('=').append(st == null ? "0x" + Integer.toHexString(g.stateCode()) : st.label());
        }
        return s.toString();
    }
}
