package io.nvmegate.client;

import io.nvmegate.protocol.Cqe;

import java.nio.ByteBuffer;

/**
 * The successful result of a command.
 *
 * @param cqe  the completion queue entry; for a read completed by a C2HData PDU with the SUCCESS flag (NVMe/TCP 1.0
 *             section 3.6.2.8) it is synthesised: DW0 = DW1 = SQHD = status = 0
 * @param data controller-to-host data: exactly the requested length, position 0 (empty if none was requested)
 */
public record Completion(Cqe cqe, ByteBuffer data) {
    /** @return a copy of the data as an array. */
    public byte[] bytes() {
        ByteBuffer d = data.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return a;
    }
}
