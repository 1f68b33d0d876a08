package io.nvmegate.client;

import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One submitted command, from submission to completion. Fields marked "reader" are touched only by the queue's
 * reader thread; fields marked "state" only under the queue's state lock.
 */
final class PendingCommand {
    /** Private copy of the SQE; CID and SGL1 are filled in by the queue. */
    final Sqe sqe;
    /** Host-to-controller data (position 0), or null. */
    final ByteBuffer dataOut;
    /** True if {@link #dataOut} rides in the CapsuleCmd; false if the controller fetches it with R2T. */
    final boolean inCapsule;
    /** Controller-to-host buffer, or null. */
    final byte[] dataIn;
    final CompletableFuture<Completion> future = new CompletableFuture<>();
    final long submittedNanos = System.nanoTime();
    /** Timeout from submission, ms; 0 = none. */
    final long timeoutMs;
    /** {@link #submittedNanos} + {@link #timeoutMs} (System.nanoTime() scale); meaningless when timeoutMs is 0. */
    final long deadlineNanos;

    /** Assigned under the state lock before the capsule is sent; -1 while in the backlog. */
    volatile int cid = -1;

    // reader
    long received;
    long r2tEnd;

    // state
    int h2cBusy;
    boolean responded;

    PendingCommand(Sqe sqe, ByteBuffer dataOut, boolean inCapsule, byte[] dataIn, long timeoutMs) {
        this.sqe = sqe;
        this.dataOut = dataOut;
        this.inCapsule = inCapsule;
        this.dataIn = dataIn;
        this.timeoutMs = timeoutMs;
        this.deadlineNanos = submittedNanos + timeoutMs * 1_000_000L;
    }

    /** True if the command has a timeout, has passed its deadline at {@code nowNanos} and is not completed yet. */
    boolean overdue(long nowNanos) {
        return timeoutMs > 0 && nowNanos - deadlineNanos >= 0 && !future.isDone();
    }

    /** A short name for messages, e.g. "Read (opc 0x02, NSID 1)" or "Fabrics Connect". */
    String describe() {
        return describe(sqe);
    }

    static String describe(Sqe s) {
        int opc = s.opcode();
        if (opc == Opcodes.FABRICS) {
            switch (s.fctype()) {
                case Opcodes.FCTYPE_CONNECT: return "Fabrics Connect";
                case Opcodes.FCTYPE_PROPERTY_GET: return String.format("Property Get 0x%x", s.u32(44));
                case Opcodes.FCTYPE_PROPERTY_SET: return String.format("Property Set 0x%x", s.u32(44));
                case Opcodes.FCTYPE_DISCONNECT: return "Fabrics Disconnect";
                default: return String.format("Fabrics FCTYPE 0x%02x", s.fctype());
            }
        }
        return String.format("command opc 0x%02x NSID %d", opc, s.nsid());
    }
}
