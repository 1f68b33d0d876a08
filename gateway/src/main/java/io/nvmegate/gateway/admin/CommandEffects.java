package io.nvmegate.gateway.admin;

import io.nvmegate.protocol.Opcodes;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Commands Supported and Effects log page (LID 05h, NVMe Base 2.0 section 5.16.1.6): ACS0..255 le32 @0 (admin
 * opcodes), IOCS0..255 le32 @1024 (I/O opcodes), 4096 bytes. Entry bits: 0 CSUPP (supported), 1 LBCC (may change
 * logical block content). Fabrics commands (7Fh) are not listed, as in nvmet.
 */
public final class CommandEffects {
    private CommandEffects() {}

    static final int CSUPP = 1, LBCC = 1 << 1;

    /** Admin opcodes an nvmegate I/O controller executes. */
    static final int[] ADMIN = {Opcodes.ADMIN_GET_LOG_PAGE, Opcodes.ADMIN_IDENTIFY, Opcodes.ADMIN_ABORT,
            Opcodes.ADMIN_SET_FEATURES, Opcodes.ADMIN_GET_FEATURES, Opcodes.ADMIN_ASYNC_EVENT_REQUEST, Opcodes.ADMIN_KEEP_ALIVE};

    public static Buffer page() {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int opc : ADMIN) b.putInt(opc * 4, CSUPP);
        io(b, Opcodes.IO_FLUSH, CSUPP);
        io(b, Opcodes.IO_WRITE, CSUPP | LBCC);
        io(b, Opcodes.IO_READ, CSUPP);
        io(b, Opcodes.IO_COMPARE, CSUPP);
        io(b, Opcodes.IO_WRITE_ZEROES, CSUPP | LBCC);
        io(b, Opcodes.IO_DATASET_MANAGEMENT, CSUPP | LBCC);
        io(b, Opcodes.IO_VERIFY, CSUPP);
        io(b, Opcodes.IO_RESERVATION_REGISTER, CSUPP);
        io(b, Opcodes.IO_RESERVATION_REPORT, CSUPP);
        io(b, Opcodes.IO_RESERVATION_ACQUIRE, CSUPP);
        io(b, Opcodes.IO_RESERVATION_RELEASE, CSUPP);
        return Buffer.buffer(b.array());
    }

    private static void io(ByteBuffer b, int opc, int v) {
        b.putInt(1024 + opc * 4, v);
    }
}
