package io.nvmegate.admin;

import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * The input format of the admin fuzz targets and the checks made after each input, shared by
 * {@link AdminCommandsFuzzTest} and the discovery service's fuzz tests.
 *
 * <p>Input: a sequence of commands, each 64 bytes of SQE then DATAL le16 then DATAL bytes of host-to-controller
 * (in-capsule) data; a trailing piece shorter than an SQE is ignored; at most {@link #MAX_COMMANDS} commands and
 * {@link TransportConfig#ADMIN_IN_CAPSULE} data bytes per command. The SQE goes to the controller as the host sent
 * it, except its CID (the session numbers commands itself).
 *
 * <p>Checks ({@link #check}): every command completes exactly once (an Asynchronous Event Request may stay held, at
 * most AERL + 1 of them), never with Internal Error (an exception escaped a handler), returns at most MDTS and at
 * most its SGL length of data; a Get Log Page at an offset of 4 GiB or more returns only zeros (no log is that long);
 * the thread allocated at most {@link #ALLOCATION_PER_COMMAND} bytes per command
 * (a reply padded to a host-chosen length shows here); the input took less than {@link #MAX_NANOS}.
 */
public final class AdminFuzzInput {
    private AdminFuzzInput() {}

    public static final int MAX_COMMANDS = 64;
    /**
     * Allocation budget per command, 4 MiB: a reply of at most MDTS (64 KiB here) and the controller's own pages
     * (a few KiB) stay far below it, a reply padded to a host-chosen length (up to 4 GiB) does not. Plus 8 MiB per
     * input for what the JVM allocates on first use of a path (class loading, lambdas) that {@link #warmUp} missed.
     */
    public static final long ALLOCATION_PER_COMMAND = 4L << 20, ALLOCATION_PER_INPUT = 8L << 20;
    /** An input of at most 64 commands runs in well under a second; 5 s is a hang. */
    public static final long MAX_NANOS = 5_000_000_000L;
    /** The fuzz targets' transport limits: the defaults with MDTS 64 KiB (so legal replies stay small). */
    public static final TransportConfig LIMITS = new TransportConfig(128 * 1024, 8192, 64 * 1024, 128, 128 * 1024, 8);

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes allocated by the current thread so far. */
    public static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs every kind of admin command a few times through a session of {@code subsystem} (Identify of each CNS, Get
     * Log Page of each LID, Get Features of each FID and SEL, AERs, Abort, Keep Alive, Property Get), so that the
     * allocations of class loading and first-time linkage are not counted against the first fuzz inputs.
     */
    public static void warmUp(io.vertx.core.Vertx vertx, io.nvmegate.controller.Subsystem subsystem, String nqn) {
        for (int round = 0; round < 3; round++) {
            AdminSession s = new AdminSession(vertx, subsystem, LIMITS);
            s.connect(nqn);
            for (int cns = 0; cns < 0x20; cns++) s.submit(sgl(Sqe.allocate().opcode(Opcodes.ADMIN_IDENTIFY).cdw(10, cns), 4096), null);
            for (int lid : new int[] {0, 1, 2, 3, 4, 5, 0x0C, 0x70, 0x80}) {
                s.submit(sgl(Sqe.allocate().opcode(Opcodes.ADMIN_GET_LOG_PAGE).nsid(-1).cdw(10, lid | 1023 << 16), 4096), null);
                s.submit(sgl(Sqe.allocate().opcode(Opcodes.ADMIN_GET_LOG_PAGE).nsid(-1).cdw(10, lid | 1023 << 16).cdw(13, 1), 4096), null);
            }
            for (int fid : new int[] {1, 2, 4, 5, 6, 7, 0x0B, 0x0F, 0x81, 0x82, 0x83}) {
                for (int sel = 0; sel < 5; sel++) s.submit(sgl(Sqe.allocate().opcode(Opcodes.ADMIN_GET_FEATURES).cdw(10, fid | sel << 8), 0), null);
                s.submit(sgl(Sqe.allocate().opcode(Opcodes.ADMIN_SET_FEATURES).cdw(10, fid).cdw(11, 0), 0), null);
            }
            for (int i = 0; i < 6; i++) s.submit(sgl(Sqe.allocate().opcode(Opcodes.ADMIN_ASYNC_EVENT_REQUEST), 0), null);
            s.submit(sgl(Sqe.allocate().opcode(Opcodes.ADMIN_ABORT), 0), null);
            s.submit(sgl(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE), 0), null);
            s.submit(sgl(Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE), 1 << 30), null);
            s.submit(sgl(Sqe.allocate().opcode(Opcodes.FABRICS).fctype(Opcodes.FCTYPE_PROPERTY_GET), 0), null);
            s.submit(sgl(Sqe.allocate().opcode(0xFF), 0), null);
            s.close();
        }
    }

    private static Sqe sgl(Sqe sqe, int length) {
        AdminSession.psdtSgl(sqe);
        return sqe.sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(length);
    }

    /** Submits every command of {@code input} to {@code s}. @return the number of commands */
    public static int run(AdminSession s, byte[] input) {
        ByteBuffer b = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
        int n = 0;
        while (b.remaining() >= Sqe.SIZE && n < MAX_COMMANDS && !s.closed()) {
            byte[] raw = new byte[Sqe.SIZE];
            b.get(raw);
            Sqe sqe = new Sqe(ByteBuffer.wrap(raw));
            Buffer data = null;
            if (b.remaining() >= 2) {
                int len = Math.min(b.getShort() & 0xFFFF, Math.min(b.remaining(), TransportConfig.ADMIN_IN_CAPSULE));
                byte[] d = new byte[len];
                b.get(d);
                data = Buffer.buffer(d);
            }
            s.submit(sqe, data);
            n++;
        }
        return n;
    }

    /**
     * The checks above, after the session closed. @param allocatedBytes what the thread allocated for the input
     * @throws AssertionError naming the first violation
     */
    public static void check(AdminSession s, int commands, long allocatedBytes, long nanos) {
        if (!s.anomalies().isEmpty()) throw new AssertionError("transport saw: " + s.anomalies());
        for (Map.Entry<Integer, List<AdminSession.Response>> e : s.responses().entrySet()) {
            AdminSession.Response r = e.getValue().get(0);
            int sc = r.cqe().status() & 0x7FF;
            if (sc == Status.INTERNAL_ERROR) throw new AssertionError("Internal Error (an exception in a handler) for CID " + e.getKey() + ": " + r.cqe());
            NvmeRequest q = s.submitted(e.getKey());
            if (q.opcode() == Opcodes.ADMIN_GET_LOG_PAGE && r.cqe().status() == Status.SUCCESS) {
                long lpo = Integer.toUnsignedLong(q.sqe().cdw(12)) | (long) q.sqe().cdw(13) << 32;
                if (Long.compareUnsigned(lpo, 1L << 32) >= 0 && r.data() != null) { // no log page of nvmegate is 4 GiB long
                    for (int i = 0; i < r.data().length(); i++) {
                        if (r.data().getByte(i) != 0) {
                            throw new AssertionError("Get Log Page at LPO " + Long.toUnsignedString(lpo) + " returned page data: " + q);
                        }
                    }
                }
            }
            if (r.dataLength() > Integer.toUnsignedLong(q.sqe().sglLength())) {
                throw new AssertionError("CID " + e.getKey() + " returned " + r.dataLength() + " bytes > its SGL length: " + q);
            }
            if (r.dataLength() > LIMITS.mdtsBytes()) {
                throw new AssertionError("CID " + e.getKey() + " returned " + r.dataLength() + " bytes > MDTS " + LIMITS.mdtsBytes());
            }
        }
        List<NvmeRequest> held = s.unanswered();
        for (NvmeRequest r : held) {
            if (r.opcode() != Opcodes.ADMIN_ASYNC_EVENT_REQUEST) throw new AssertionError("no completion for " + r);
        }
        if (held.size() > io.nvmegate.controller.AsyncEvents.AERL + 1) throw new AssertionError(held.size() + " AERs held > AERL + 1");
        long budget = (commands + 2) * ALLOCATION_PER_COMMAND + ALLOCATION_PER_INPUT;
        if (allocatedBytes > budget) {
            throw new AssertionError(commands + " commands allocated " + allocatedBytes + " bytes > " + budget);
        }
        if (nanos > MAX_NANOS) throw new AssertionError(commands + " commands took " + nanos / 1_000_000 + " ms");
    }
}
