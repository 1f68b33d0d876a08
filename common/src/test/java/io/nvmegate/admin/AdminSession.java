package io.nvmegate.admin;

import io.nvmegate.controller.Controller;
import io.nvmegate.controller.ControllerQueue;
import io.nvmegate.controller.ControllerRegistry;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.QueueTransport;
import io.nvmegate.controller.Subsystem;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.fabrics.CommandParser;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.protocol.ConnectData;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One admin queue of a real controller without a socket: the path {@code io.nvmegate.transport.TcpQueue} takes for
 * a command capsule ({@link CommandParser#parse}, data attached, {@link NvmeRequest#execute}), with this class as the
 * {@link QueueTransport} that records every response. Used by the fuzz tests: {@link #connect} (Fabrics Connect,
 * KATO 0, then Property Set CC.EN = 1), {@link #submit} for each fuzzed SQE, {@link #close} (the controller is
 * destroyed, as when the host's connection closes).
 *
 * <p>Bookkeeping: each submitted command gets a CID of its own (its index), so that a second response to one CID,
 * a response to an unknown CID, or a command left without one, is seen.
 */
public final class AdminSession implements QueueTransport {
    public static final String HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000f1";

    /** One response sent for a command: its CQE and its controller-to-host data (null: none). */
    public record Response(Cqe cqe, Buffer data) {
        public int dataLength() { return data == null ? 0 : data.length(); }
    }

    private final CommandParser parser;
    private final TransportConfig limits;
    private ControllerQueue bound;
    private int sqhd;
    private int nextCid;
    private boolean closed;
    /** Commands submitted, by CID. */
    private final Map<Integer, NvmeRequest> submitted = new HashMap<>();
    /** Responses, by CID. */
    private final Map<Integer, List<Response>> responses = new HashMap<>();
    private final List<String> anomalies = new ArrayList<>();

    public AdminSession(Vertx vertx, Subsystem subsystem, TransportConfig limits) {
        this.limits = limits;
        ControllerRegistry registry = new ControllerRegistry(1, 0xFFEF);
        this.parser = new CommandParser(new FabricsConnect(nqn -> nqn.equals(subsystem.nqn()) || Opcodes.DISCOVERY_NQN.equals(nqn) ? subsystem : null,
                registry, limits, vertx));
    }

    /** Connect (admin queue, KATO 0) and CC.EN = 1. @return the controller */
    public Controller connect(String subnqn) {
        ByteBuffer cd = new ConnectData(new UUID(1, 2), ConnectData.DYNAMIC_CNTLID, subnqn, HOST_NQN).encode();
        byte[] connectData = new byte[cd.remaining()];
        cd.get(connectData);
        Sqe connect = Sqe.allocate().opcode(Opcodes.FABRICS).fctype(Opcodes.FCTYPE_CONNECT).u16(44, 31)
                .sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(ConnectData.SIZE);
        psdtSgl(connect);
        Response r = submit(connect, Buffer.buffer(connectData));
        if (r == null || r.cqe().status() != Status.SUCCESS) throw new IllegalStateException("Connect failed: " + r);
        Sqe enable = Sqe.allocate().opcode(Opcodes.FABRICS).fctype(Opcodes.FCTYPE_PROPERTY_SET).u32(44, 0x14)
                .u64(48, 1 | 6 << 16 | 4 << 20);
        psdtSgl(enable);
        Response e = submit(enable, null);
        if (e == null || e.cqe().status() != Status.SUCCESS) throw new IllegalStateException("CC.EN = 1 failed: " + e);
        return bound.controller();
    }

    static void psdtSgl(Sqe sqe) {
        sqe.u8(1, (sqe.u8(1) & 0x3F) | 1 << 6);
    }

    /**
     * Submits {@code sqe} (its CID replaced by a fresh one) with host-to-controller {@code data} (null: none), as
     * TcpQueue does once the data is there. @return its response if it completed at once, else null (held, as an
     * Asynchronous Event Request)
     */
    public Response submit(Sqe sqe, Buffer data) {
        int cid = nextCid++ & 0xFFFF;
        sqe.cid(cid);
        sqhd = (sqhd + 1) % 32;
        NvmeRequest r = new NvmeRequest(sqe, null, sqe.sglLength(), bound == null ? 0 : bound.qid(), this);
        submitted.put(cid, r);
        if (parser.parse(bound, r, limits, q -> bound = q)) {
            if (data != null && data.length() > 0) r.attachData(data);
            r.execute();
        }
        List<Response> got = responses.get(cid);
        return got == null ? null : got.get(0);
    }

    /** CIDs of the submitted commands that have no response (yet). */
    public List<NvmeRequest> unanswered() {
        List<NvmeRequest> out = new ArrayList<>();
        submitted.forEach((cid, r) -> { if (!responses.containsKey(cid)) out.add(r); });
        return out;
    }

    /** The command submitted with {@code cid}, or null. */
    public NvmeRequest submitted(int cid) { return submitted.get(cid); }

    /** Every response, by CID. */
    public Map<Integer, List<Response>> responses() { return responses; }

    /** What went wrong on the transport side: second responses, unknown CIDs, responses after close. */
    public List<String> anomalies() { return anomalies; }

    public Controller controller() { return bound == null ? null : bound.controller(); }

    /** The host's connection closes: the controller is destroyed. */
    public void close() {
        if (bound != null) bound.closed();
        closed = true;
    }

    @Override
    public int sqHead() { return sqhd; }

    @Override
    public void sendResponse(Cqe cqe, Buffer data) {
        if (!submitted.containsKey(cqe.cid())) anomalies.add("response to unknown CID " + cqe.cid() + ": " + cqe);
        List<Response> l = responses.computeIfAbsent(cqe.cid(), k -> new ArrayList<>());
        l.add(new Response(cqe, data));
        if (l.size() > 1) anomalies.add("CID " + cqe.cid() + " completed " + l.size() + " times: " + l);
    }

    @Override
    public void close(String reason) { closed = true; }

    public boolean closed() { return closed; }

    @Override
    public String remoteAddress() { return "127.0.0.1:40000"; }

    @Override
    public String localHost() { return "127.0.0.1"; }

    @Override
    public int localPort() { return 4420; }

    @Override
    public void runOnContext(Runnable task) { task.run(); }
}
