package io.nvmegate.client;

import java.util.Arrays;

/**
 * One Discovery Log Page Entry (1024 bytes; NVMe Base 2.0 section 5.16.1.23, Figure 262; Linux
 * {@code struct nvmf_disc_rsp_page_entry}).
 *
 * @param trtype  Transport Type (@0): 3 = TCP, 1 RDMA, 2 FC, 0xFE loop
 * @param adrfam  Address Family (@1): 1 IPv4, 2 IPv6
 * @param subtype Subsystem Type (@2): 1 referral (discovery), 2 NVM subsystem, 3 current discovery subsystem
 * @param treq    Transport Requirements (@3): bits 1:0 secure channel, bit 2 SQ flow control disable supported
 * @param portid  Port ID (le16 @4)
 * @param cntlid  Controller ID (le16 @6; 0xFFFF dynamic)
 * @param asqsz   Admin Max SQ Size (le16 @8)
 * @param eflags  Entry Flags (le16 @10)
 * @param trsvcid Transport Service Identifier (ASCII @32..63, e.g. "4420")
 * @param subnqn  Subsystem NQN (@256..511)
 * @param traddr  Transport Address (ASCII @512..767)
 * @param tsas    Transport Specific Address Subtype (256 bytes @768; TCP: byte 0 SECTYPE)
 */
public record DiscoveryLogEntry(int trtype, int adrfam, int subtype, int treq, int portid, int cntlid, int asqsz,
                                int eflags, String trsvcid, String subnqn, String traddr, byte[] tsas) {
    public static final int SIZE = 1024;

    public static final int TRTYPE_TCP = 3;
    public static final int SUBTYPE_REFERRAL = 1;
    public static final int SUBTYPE_NVM = 2;
    public static final int SUBTYPE_CURRENT_DISCOVERY = 3;

    /** Parses 1024 bytes at {@code off}. */
    public static DiscoveryLogEntry parse(byte[] b, int off) {
        byte[] e = Bytes.slice(b, off, SIZE);
        return new DiscoveryLogEntry(Bytes.u8(e, 0), Bytes.u8(e, 1), Bytes.u8(e, 2), Bytes.u8(e, 3), Bytes.u16(e, 4),
                Bytes.u16(e, 6), Bytes.u16(e, 8), Bytes.u16(e, 10), Bytes.ascii(e, 32, 32), Bytes.ascii(e, 256, 256),
                Bytes.ascii(e, 512, 256), Bytes.slice(e, 768, 256));
    }

    /** The service id as a TCP port, or -1 if it is not a number. */
    public int port() {
        try {
            return Integer.parseInt(trsvcid);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscoveryLogEntry d && d.trtype == trtype && d.adrfam == adrfam && d.subtype == subtype
                && d.treq == treq && d.portid == portid && d.cntlid == cntlid && d.asqsz == asqsz && d.eflags == eflags
                && d.trsvcid.equals(trsvcid) && d.subnqn.equals(subnqn) && d.traddr.equals(traddr)
                && Arrays.equals(d.tsas, tsas);
    }

    @Override
    public int hashCode() {
        return (subnqn.hashCode() * 31 + traddr.hashCode()) * 31 + trsvcid.hashCode();
    }

    @Override
    public String toString() {
        return String.format("DiscoveryLogEntry[trtype=%d adrfam=%d subtype=%d treq=%d portid=%d cntlid=0x%x asqsz=%d "
                + "eflags=%d traddr=%s trsvcid=%s subnqn=%s]", trtype, adrfam, subtype, treq, portid, cntlid, asqsz,
                eflags, traddr, trsvcid, subnqn);
    }
}
