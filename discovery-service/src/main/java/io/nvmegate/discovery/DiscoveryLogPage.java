package io.nvmegate.discovery;

import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Discovery log page (LID 70h; NVMe Base 2.0 section 5.16.1.23, NVMe-oF 1.1 Figure 38/39).
 *
 * <pre>
 * Header (1024 bytes): GENCTR le64 @0, NUMREC le64 @8, RECFMT le16 @16 (0)
 * Entry i at 1024 + i * 1024:
 *   TRTYPE u8 @0 (3 TCP)  ADRFAM u8 @1 (1 IPv4, 2 IPv6)  SUBTYPE u8 @2 (1 referral, 2 NVM, 3 current discovery)
 *   TREQ u8 @3  PORTID le16 @4  CNTLID le16 @6 (0xFFFF dynamic)  ASQSZ le16 @8  EFLAGS le16 @10
 *   TRSVCID @32 (32, ASCII, NUL padded)  SUBNQN @256 (256)  TRADDR @512 (256)  TSAS @768 (256; TCP: SECTYPE @768)
 * </pre>
 * TREQ bits 1:0 (secure channel): 00b not specified, 01b required, 10b not required; TSAS SECTYPE (NVMe/TCP 1.1
 * section 3.6.1, Linux {@code NVMF_TCP_SECTYPE_*}): 0 none, 1 TLS 1.2, 2 TLS 1.3.
 */
public final class DiscoveryLogPage {
    private DiscoveryLogPage() {}

    public static final int HEADER_SIZE = 1024;
    public static final int ENTRY_SIZE = 1024;
    public static final int TRTYPE_TCP = 3;
    public static final int SUBTYPE_REFERRAL = 1, SUBTYPE_NVM = 2, SUBTYPE_CURRENT_DISCOVERY = 3;
    /** TREQ bit 2: SQ flow control disable supported (NVMe-oF 1.1 Figure 38; libnvme then connects with disable_sqflow). */
    public static final int TREQ_SQFLOW_DISABLE_SUPPORTED = 1 << 2;
    /** EFLAGS bit 0 DUPRETINFO: this entry's discovery controller returns the same information as others so flagged. */
    public static final int EFLAGS_DUPRETINFO = 1;
    /** EFLAGS bit 1 EPCSD: explicit persistent connections to this discovery controller are supported. */
    public static final int EFLAGS_EPCSD = 1 << 1;

    /** One log entry; {@code sectype} is TSAS SECTYPE. */
    public record Entry(int adrfam, int subtype, int treq, int portId, int asqsz, int eflags, String trsvcid,
                        String subnqn, String traddr, int sectype) {
        /** An entry with no security (SECTYPE 0). */
        public Entry(int adrfam, int subtype, int treq, int portId, int asqsz, int eflags, String trsvcid, String subnqn, String traddr) {
            this(adrfam, subtype, treq, portId, asqsz, eflags, trsvcid, subnqn, traddr, 0);
        }
    }

    public static Buffer encode(long genctr, List<Entry> entries) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + ENTRY_SIZE * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, genctr).putLong(8, entries.size()).putShort(16, (short) 0);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int o = HEADER_SIZE + i * ENTRY_SIZE;
            b.put(o, (byte) TRTYPE_TCP).put(o + 1, (byte) e.adrfam()).put(o + 2, (byte) e.subtype())
                    .put(o + 3, (byte) e.treq()).putShort(o + 4, (short) e.portId()).putShort(o + 6, (short) 0xFFFF)
                    .putShort(o + 8, (short) e.asqsz()).putShort(o + 10, (short) e.eflags());
            put(b, o + 32, 32, e.trsvcid());
            put(b, o + 256, 256, e.subnqn());
            put(b, o + 512, 256, e.traddr());
            b.put(o + 768, (byte) e.sectype()); // TSAS SECTYPE
        }
        return Buffer.buffer(b.array());
    }

    private static void put(ByteBuffer b, int off, int max, String s) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        b.put(off, v, 0, Math.min(v.length, max - 1));
    }
}
