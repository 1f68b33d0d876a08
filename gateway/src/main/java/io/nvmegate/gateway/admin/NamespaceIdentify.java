package io.nvmegate.gateway.admin;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.gateway.ana.AnaIdentify;
import io.nvmegate.gateway.reservation.ReservationCommands;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.UUID;

/**
 * Identify data about namespaces (NVMe Base 2.0 section 5.17.2; NVM Command Set 1.0 Figure 97), 4096 bytes each.
 */
public final class NamespaceIdentify {
    private NamespaceIdentify() {}

    public static final int SIZE = 4096;

    /**
     * CNS 00h, Identify Namespace: NSZE le64 @0, NCAP le64 @8, NUSE le64 @16 (blocks), NSFEAT @24 (bit 0 thin
     * provisioning), NLBAF @25 (0: one format), FLBAS @26, NMIC @30 (bit 0: may be shared by controllers), DLFEAT
     * @33 (001b deallocated blocks read as zeroes, bit 3 Write Zeroes can deallocate), RESCAP @31
     * ({@link ReservationCommands#capabilities}), ANAGRPID le32 @92 ({@link AnaIdentify}), NGUID @104 (16), EUI64
     * @120 (0: none), LBAF0 @128 (MS le16 0, LBADS @130 = log2 block size, RP @131 = 0 best).
     */
    public static Buffer namespace(NamespaceSpec ns) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long blocks = ns.blocks();
        b.putLong(0, blocks).putLong(8, blocks).putLong(16, blocks);
        b.put(24, (byte) 1).put(25, (byte) 0).put(26, (byte) 0).put(30, (byte) 1).put(33, (byte) 0x09);
        b.put(31, (byte) ReservationCommands.capabilities(ns));
        AnaIdentify.namespace(b, ns);
        putUuid(b, 104, ns.uuid());
        b.put(130, (byte) Integer.numberOfTrailingZeros(ns.blockSize()));
        return Buffer.buffer(b.array());
    }

    /** CNS 02h: active NSIDs greater than {@code after}, ascending, le32 each, at most 1024, zero-terminated. */
    public static Buffer activeList(List<NamespaceSpec> namespaces, int after) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        for (NamespaceSpec n : namespaces) {
            if (!n.enabled() || Integer.compareUnsigned(n.nsid(), after) <= 0) continue;
            if (i == SIZE / 4) break;
            b.putInt(i++ * 4, n.nsid());
        }
        return Buffer.buffer(b.array());
    }

    /**
     * CNS 03h: namespace identification descriptors {NIDT u8, NIDL u8, rsvd 2, NID}: NGUID (2, 16 bytes),
     * UUID (3, 16 bytes), CSI (4, 1 byte: 0 NVM). NGUID and UUID are the namespace UUID, identical on every
     * path and unique across subsystems.
     */
    public static Buffer descriptors(NamespaceSpec ns) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 2).put(1, (byte) 16);
        putUuid(b, 4, ns.uuid());
        b.put(20, (byte) 3).put(21, (byte) 16);
        putUuid(b, 24, ns.uuid());
        b.put(40, (byte) 4).put(41, (byte) 1).put(44, (byte) 0);
        return Buffer.buffer(b.array());
    }

    private static void putUuid(ByteBuffer b, int off, UUID u) {
        ByteBuffer be = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        b.put(off, be.array());
    }
}
