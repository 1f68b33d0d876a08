package io.nvmegate.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The data of a Fabrics Connect command (NVMe-oF 1.1 section 3.3, Figure 21), 1024 bytes sent in-capsule:
 * HOSTID[16] @0 (big-endian UUID bytes), CNTLID le16 @16 (FFFFh on the admin queue: dynamic controller model),
 * SUBNQN @256 (256 bytes, NUL padded), HOSTNQN @512 (256 bytes, NUL padded); the rest is reserved (zero).
 * One layout shared by the target ({@code FabricsConnect}), the Java host library and the test hosts.
 *
 * @param hostId  128-bit host identifier
 * @param cntlid  0xFFFF on the admin queue, the CNTLID the admin Connect returned on I/O queues
 * @param subnqn  subsystem NQN (ASCII, ≤ 223 bytes by the NQN rules, ≤ 256 here)
 * @param hostnqn host NQN (ASCII; may be empty: some userspace initiators send none)
 */
public record ConnectData(UUID hostId, int cntlid, String subnqn, String hostnqn) {
    /** Size of the Connect data in bytes. */
    public static final int SIZE = 1024;
    /** Byte offsets of the fields (also the IPO a Connect Invalid Parameters completion reports with IATTR 1). */
    public static final int OFF_HOSTID = 0, OFF_CNTLID = 16, OFF_SUBNQN = 256, OFF_HOSTNQN = 512;
    /** Length of the SUBNQN and HOSTNQN fields in bytes. */
    public static final int NQN_FIELD = 256;
    /** CNTLID of an admin-queue Connect in the dynamic controller model. */
    public static final int DYNAMIC_CNTLID = 0xFFFF;

    /** @return the 1024-byte Connect data, little-endian buffer positioned at 0 */
    public ByteBuffer encode() {
        ByteBuffer d = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        d.duplicate().order(ByteOrder.BIG_ENDIAN).putLong(OFF_HOSTID, hostId.getMostSignificantBits())
                .putLong(OFF_HOSTID + 8, hostId.getLeastSignificantBits());
        d.putShort(OFF_CNTLID, (short) cntlid);
        putAscii(d, OFF_SUBNQN, subnqn);
        putAscii(d, OFF_HOSTNQN, hostnqn);
        return d;
    }

    /**
     * Parses Connect data; NQNs end at their first NUL (or the field's end) and are trimmed.
     *
     * @param d at least {@link #SIZE} bytes from its position
     * @throws IllegalArgumentException when fewer than {@link #SIZE} bytes remain
     */
    public static ConnectData decode(ByteBuffer d) {
        if (d.remaining() < SIZE) throw new IllegalArgumentException("Connect data is " + d.remaining() + " bytes, needs " + SIZE);
        ByteBuffer b = d.slice().order(ByteOrder.BIG_ENDIAN);
        UUID hostId = new UUID(b.getLong(OFF_HOSTID), b.getLong(OFF_HOSTID + 8));
        int cntlid = Short.toUnsignedInt(b.order(ByteOrder.LITTLE_ENDIAN).getShort(OFF_CNTLID));
        return new ConnectData(hostId, cntlid, ascii(b, OFF_SUBNQN), ascii(b, OFF_HOSTNQN));
    }

    private static void putAscii(ByteBuffer d, int off, String s) {
        byte[] a = s.getBytes(StandardCharsets.US_ASCII);
        if (a.length > NQN_FIELD) throw new IllegalArgumentException("NQN longer than " + NQN_FIELD + " bytes: " + s);
        d.put(off, a);
    }

    private static String ascii(ByteBuffer b, int off) {
        int end = off;
        while (end < off + NQN_FIELD && b.get(end) != 0) end++;
        byte[] a = new byte[end - off];
        b.get(off, a);
        return new String(a, StandardCharsets.US_ASCII).trim();
    }
}
