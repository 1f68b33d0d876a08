package io.nvmegate.controller;

import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Error Information log page (LID 01h, NVMe Base 2.0 section 5.16.1.2): the last {@link #ENTRIES} failed
 * commands of one controller, newest first. Identify Controller ELPE = {@code ENTRIES - 1}.
 *
 * <p>Entry (64 bytes): Error Count le64 @0 (1-based, increasing, never 0 for a valid entry), SQID le16 @8, CID
 * le16 @10, Status Field le16 @12 (bits 15:1 the status, bit 0 phase tag 0), Parameter Error Location le16 @14
 * ({@link ErrorLocation}: SQE byte offset in bits 7:0, bit in 10:8; FFFFh when no SQE field is at fault), LBA le64 @16 (first LBA of an NVM I/O command, else 0), NSID le32 @24, Transport Type @29 (3
 * TCP). Controllers record every command completed with a status other than success, except aborts caused by
 * tearing the controller down (as nvmet's {@code nvmet_set_error}). Thread-safe.
 */
public final class ErrorLog {
    /** Entries kept (Identify Controller ELPE + 1). */
    public static final int ENTRIES = 64;
    public static final int ENTRY_SIZE = 64;
    static final int TRTYPE_TCP = 3;

    private final byte[][] ring = new byte[ENTRIES][];
    private long count;

    /** Records a failed command; {@code location} is its Parameter Error Location ({@link ErrorLocation}). */
    synchronized void record(int sqid, Sqe sqe, int status, int location) {
        if (Status.sc(status) == Status.ABORT_SQ_DELETION && Status.sct(status) == 0) return;
        count++;
        ByteBuffer e = ByteBuffer.allocate(ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        e.putLong(0, count).putShort(8, (short) sqid).putShort(10, (short) sqe.cid())
                .putShort(12, (short) ((status & 0x7FFF) << 1)).putShort(14, (short) location);
        if (sqid != 0 && hasLba(sqe.opcode())) e.putLong(16, sqe.slba());
        if (sqe.opcode() != Opcodes.FABRICS) e.putInt(24, sqe.nsid());
        e.put(29, (byte) TRTYPE_TCP);
        ring[(int) ((count - 1) % ENTRIES)] = e.array();
    }

    private static boolean hasLba(int opc) {
        return opc == Opcodes.IO_READ || opc == Opcodes.IO_WRITE || opc == Opcodes.IO_COMPARE
                || opc == Opcodes.IO_WRITE_ZEROES || opc == Opcodes.IO_VERIFY;
    }

    /** Number of errors recorded over the controller's life (SMART "Number of Error Information Log Entries"). */
    public synchronized long count() { return count; }

    /** The log page: {@link #ENTRIES} entries, newest first; slots never used are zero. */
    public synchronized Buffer page() {
        Buffer b = Buffer.buffer(ENTRIES * ENTRY_SIZE);
        for (int i = 0; i < ENTRIES; i++) {
            long n = count - i;
            byte[] e = n >= 1 ? ring[(int) ((n - 1) % ENTRIES)] : null;
            b.appendBytes(e != null ? e : new byte[ENTRY_SIZE]);
        }
        return b;
    }
}
