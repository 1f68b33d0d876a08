package io.nvmegate.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The Reservation Status Extended Data Structure of a Reservation Report (NVMe Base 2.0 Figures 394 and 396):
 * header GEN le32 @0, RTYPE @4, REGCTL le16 @5, PTPLS @9 (64 bytes); then 64-byte Registered Controller Extended
 * entries: CNTLID le16 @0, RCSTS @2 (bit 0 holds the reservation), RKEY le64 @8, HOSTID @16 (16 bytes).
 *
 * @param generation  GEN
 * @param rtype       reservation type, 0 if none
 * @param regctl      number of registered controllers (may exceed {@code controllers.size()} if the report was cut)
 * @param ptpl        PTPLS
 * @param controllers the entries that fit in the transfer
 */
public record ReservationStatus(int generation, int rtype, int regctl, boolean ptpl, List<RegisteredController> controllers) {

    /** One registered controller. */
    public record RegisteredController(int cntlid, boolean holder, long key, UUID hostId) {}

    /** @throws IllegalArgumentException if {@code data} is shorter than the 64-byte header */
    public static ReservationStatus parseExtended(byte[] data) {
        if (data.length < 64) throw new IllegalArgumentException("reservation status of " + data.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int regctl = b.getShort(5) & 0xFFFF;
        List<RegisteredController> list = new ArrayList<>();
        for (int i = 0; i < regctl && 64 + (i + 1) * 64 <= data.length; i++) {
            int off = 64 + i * 64;
            ByteBuffer id = ByteBuffer.wrap(data, off + 16, 16);
            list.add(new RegisteredController(b.getShort(off) & 0xFFFF, (b.get(off + 2) & 1) != 0, b.getLong(off + 8),
                    new UUID(id.getLong(), id.getLong())));
        }
        return new ReservationStatus(b.getInt(0), b.get(4) & 0xFF, regctl, (b.get(9) & 1) != 0, List.copyOf(list));
    }
}
