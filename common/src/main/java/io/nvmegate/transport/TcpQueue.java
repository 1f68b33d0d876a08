package io.nvmegate.transport;

import io.nvmegate.controller.ControllerQueue;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.QueueTransport;
import io.nvmegate.controller.TransportConfig;
import io.nvmegate.fabrics.CommandParser;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.metrics.QueueMetrics;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.PduCodec;
import io.nvmegate.protocol.PduException;
import io.nvmegate.protocol.PduFramer;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.protocol.tls.PskIdentity;
import io.nvmegate.protocol.tls.SecureChannel;
import io.nvmegate.tls.TlsPolicy;
import io.nvmegate.tls.TlsServerFilter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * One NVMe/TCP connection, i.e. one queue (NVMe/TCP 1.0 section 3.3): connection set-up (ICReq/ICResp), command
 * capsules, host-to-controller data (in-capsule, or R2T then H2CData), controller-to-host data (C2HData) and
 * responses (CapsuleResp). Everything runs on the socket's event loop.
 *
 * <p>Secure channel (NVMe/TCP 1.1 section 3.6): on a port whose {@link TlsPolicy} offers TLS, a connection whose first
 * byte is a TLS handshake record (16h) gets a {@link TlsServerFilter} between the socket and the PDU framer, on
 * both paths; on a port that requires TLS, a connection whose first byte is anything else (a plaintext ICReq) is
 * closed and logged, as nvmet does.
 *
 * <p>Fatal transport errors (malformed PDU, digest error, PDU before ICReq, data out of range) end this
 * connection with a C2HTermReq and a WARN log line; they never affect other connections.
 */
public final class TcpQueue implements QueueTransport {
    private static final Logger log = LoggerFactory.getLogger(TcpQueue.class);

    private enum State { AWAIT_ICREQ, READY, CLOSED }

    /** An R2T in progress: the host-to-controller data of one command being gathered. */
    private static final class Inbound {
        final NvmeRequest request;
        final int length;
        /** The data: a slice of the received PDU when one H2CData carried all of it (no copy), else gathered. */
        Buffer data;
        int received;
        /** An H2CData PDU of this command failed its data digest: complete it with Transient Transport Error. */
        boolean digestError;

        Inbound(NvmeRequest request, int length) {
            this.request = request;
            this.length = length;
        }
    }

    private final NetSocket socket;
    private final Context context;
    private final TransportConfig config;
    private final CommandParser parser;
    private final PduFramer framer;
    private final Map<Integer, Inbound> r2ts = new HashMap<>();
    private State state = State.AWAIT_ICREQ;
    private boolean hdgst;
    private boolean ddgst;
    private int nextTtag;
    private int sqhd;
    private ControllerQueue bound;
    private final QueueMetrics metrics;
    /** PDUs sent during this event-loop turn, written together when it ends. */
    private final OutboundBatch outbound;
    private final TlsPolicy tlsPolicy;
    /** The TLS session, when the host opened one. */
    private TlsServerFilter tls;
    private boolean firstByteSeen;
    /** Overload: the in-flight budget, the unwritten-data cap and when to read the socket ({@link QueueFlow}). */
    private final QueueFlow flow;
    /** Idle limits before Connect and without I/O queues ({@link IdleTimeouts}). */
    private final IdleTimeouts idle;

    public TcpQueue(Vertx vertx, NetSocket socket, TransportConfig config, CommandParser parser) {
        this(vertx, socket, config, parser, TlsPolicy.NONE);
    }

    /** @param tlsPolicy the port's secure-channel setting and PSKs */
    public TcpQueue(Vertx vertx, NetSocket socket, TransportConfig config, CommandParser parser, TlsPolicy tlsPolicy) {
        this.tlsPolicy = tlsPolicy;
        this.socket = socket;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.parser = parser;
        this.metrics = NodeMetrics.of(vertx).target(socket.localAddress().port()).connectionOpened();
        this.framer = new PduFramer(true, config.maxPduLength());
        this.outbound = new OutboundBatch((NetSocketInternal) socket, (ContextInternal) context, this::written);
        this.flow = new QueueFlow(InflightBudget.process(), socket, context, outbound::unwritten, () -> !r2ts.isEmpty(),
                QueueFlow.UNWRITTEN_CAP);
        socket.handler(this::onBytes);
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(e -> log.debug("{}: socket error: {}", this, e.toString()));
        socket.drainHandler(v -> flow.gate());
        this.idle = new IdleTimeouts(vertx, NodeMetrics.of(vertx), this::close);
        idle.accepted();
    }

    private void onBytes(Buffer chunk) {
        if (state == State.CLOSED) return;
        try {
            if (!firstByteSeen && chunk.length() > 0) {
                firstByteSeen = true;
                if (!admit(chunk.getByte(0))) return;
            }
            ByteBuffer bytes = Buffers.nio(chunk);
            if (tls != null) {
                boolean wasEstablished = tls.established();
                bytes = tls.receive(((io.vertx.core.internal.buffer.BufferInternal) chunk).getByteBuf());
                if (!wasEstablished && tls.established()) log.debug("{}: TLS 1.3 established, PSK identity {}", this, tls.identity());
                if (tls.closed()) {
                    close("the host closed the TLS session");
                    return;
                }
            }
            framer.process(bytes, this::onPdu);
        } catch (PduException e) {
            terminate(e, null);
        } catch (IOException e) { // TLS handshake or record failure (the alert went out already)
            String why = tls != null && !tls.established() && tls.refusal() != null ? tls.refusal() : e.getMessage();
            log.warn("{}: TLS {} failed: {}; closing", this, tls != null && tls.established() ? "session" : "handshake", why);
            tls = null; // no close_notify after a fatal alert
            close("TLS failure");
        } catch (RuntimeException e) {
            log.error("{}: internal error, closing the connection", this, e);
            close("internal error: " + e);
        }
    }

    /**
     * The first byte of the connection decides between TLS and plaintext (nvmet {@code nvmet_tcp_try_peek_pdu}): a TLS
     * handshake record on a port that offers TLS starts the TLS session; anything else on a port that requires TLS is
     * refused.
     *
     * @return false when the connection was refused (closed)
     */
    private boolean admit(byte first) throws IOException {
        if (first == TlsServerFilter.HANDSHAKE_RECORD && tlsPolicy.treq().tls()) {
            tls = new TlsServerFilter(tlsPolicy.psks(), ((NetSocketInternal) socket)::writeMessage);
            outbound.seal(tls::seal);
            return true;
        }
        if (tlsPolicy.treq() == SecureChannel.REQUIRED) {
            log.warn("{}: port requires TLS (treq required) but the host sent plaintext (first byte 0x{}); closing",
                    this, Integer.toHexString(first & 0xFF));
            close("plaintext on a port that requires TLS");
            return false;
        }
        return true;
    }

    private void onPdu(ByteBuffer raw) throws PduException {
        if (state == State.CLOSED) return;
        Pdu pdu;
        boolean badData = false;
        try {
            pdu = PduCodec.decode(raw, hdgst, ddgst);
        } catch (PduCodec.DataDigestException e) {
            // NVMe/TCP 1.0 section 3.6.3.1 (data digest error): the header is sound, so only the command fails,
            // with Transient Transport Error (retryable); the connection stays up.
            log.warn("{}: {}: the command completes with Transient Transport Error", this, e.getMessage());
            pdu = e.pdu();
            badData = true;
        } catch (PduException e) {
            terminate(e, raw);
            return;
        }
        if (state == State.AWAIT_ICREQ) {
            if (!(pdu instanceof Pdu.ICReq icreq)) {
                terminate(new PduException(PduException.FES_PDU_SEQUENCE_ERROR, 0, "unexpected PDU " + pdu.type() + " before ICReq"), raw);
                return;
            }
            onICReq(icreq, raw);
            return;
        }
        if (pdu instanceof Pdu.CapsuleCmd cmd) {
            if (badData) {
                onCapsuleDigestError(cmd);
            } else {
                onCapsule(cmd);
            }
        } else if (pdu instanceof Pdu.H2CData h2c) {
            onH2CData(h2c, raw, badData);
        } else if (pdu instanceof Pdu.TermReq term) {
            log.warn("{}: host sent H2CTermReq FES {} FEI {}; closing", this, term.fes(), term.fei());
            close("H2CTermReq");
        } else {
            terminate(new PduException(PduException.FES_PDU_SEQUENCE_ERROR, 0, "unexpected PDU " + pdu.type()), raw);
        }
    }

    /** ICReq checks as nvmet does: PFV 0, HPDA 0 (we never pad), any MAXR2T (we keep one R2T per command). */
    private void onICReq(Pdu.ICReq req, ByteBuffer raw) {
        if (req.pfv() != 0) {
            terminate(new PduException(PduException.FES_UNSUPPORTED_PARAMETER, 8, "ICReq PFV " + req.pfv()), raw);
            return;
        }
        if (req.hpda() != 0) {
            terminate(new PduException(PduException.FES_UNSUPPORTED_PARAMETER, 10, "ICReq HPDA " + req.hpda() + " (only 0 supported)"), raw);
            return;
        }
        send(new Pdu.ICResp(0, 0, req.hdgst(), req.ddgst(), config.maxH2CData()));
        hdgst = req.hdgst();
        ddgst = req.ddgst();
        state = State.READY;
    }

    /** A command capsule whose in-capsule data failed the data digest: Transient Transport Error, no DNR. */
    private void onCapsuleDigestError(Pdu.CapsuleCmd cmd) {
        sqhd = (sqhd + 1) % ((bound == null ? 31 : bound.sqsize()) + 1);
        NvmeRequest r = new NvmeRequest(cmd.sqe(), null, 0, qid(), this);
        if (bound == null || bound.accept(r)) r.complete(Status.TRANSIENT_TRANSPORT_ERROR);
    }

    /**
     * A command capsule: the command is parsed first (its handler chosen, or it fails: {@link CommandParser}), then
     * its data located (NVMe/TCP 1.0 section 3.3.2 / NVMe-oF 1.1 section 2.3): none; in-capsule (SGL Data Block,
     * subtype Offset: address = offset into the capsule data, ICDOFF 0; beyond the in-capsule size → SGL Data
     * Length Invalid, past the capsule's data → SGL Offset Invalid); or to be sent by the host after an R2T
     * (Transport SGL Data Block; with capsule data as well → Invalid Field). Other descriptor types → SGL
     * Descriptor Type Invalid. All | DNR, at the SGL field at fault. Then it executes.
     */
    private void onCapsule(Pdu.CapsuleCmd cmd) {
        Sqe sqe = cmd.sqe();
        sqhd = (sqhd + 1) % ((bound == null ? 31 : bound.sqsize()) + 1);
        NvmeRequest r = new NvmeRequest(sqe, null, sqe.sglLength(), qid(), this);
        metrics.started(r);
        try {
            if (!parser.parse(bound, r, config, this::bind)) return;
            int sglId = sqe.sglId();
            int len = sqe.sglLength();
            ByteBuffer inCapsule = cmd.data();
            if (len == 0 && !inCapsule.hasRemaining()) {
                start(r, 0, false, r::execute); // no data: any descriptor type will do
            } else if (sglId == Sqe.SGL_DATA_BLOCK_OFFSET) {
                long off = sqe.sglAddress();
                int limit = qid() == 0 ? TransportConfig.ADMIN_IN_CAPSULE : config.inCapsuleDataSize();
                if (Integer.toUnsignedLong(len) > limit) {
                    r.fail(Status.SGL_DATA_LENGTH_INVALID, ErrorLocation.SGL_LENGTH);
                } else if (off < 0 || off + len > inCapsule.remaining()) {
                    r.fail(Status.SGL_OFFSET_INVALID, ErrorLocation.SGL_ADDRESS);
                } else {
                    if (len > 0) r.attachData(Buffers.vertx(inCapsule.slice((int) off, len)));
                    start(r, len, false, r::execute);
                }
            } else if (sglId == Sqe.SGL_TRANSPORT_DATA_BLOCK) {
                if (inCapsule.hasRemaining()) {
                    r.fail(Status.INVALID_FIELD, ErrorLocation.SGL_IDENTIFIER);
                } else if (len != 0 && CommandParser.hostToController(sqe)) {
                    start(r, len, false, () -> requestData(r, len));
                } else {
                    start(r, len, len != 0, r::execute); // controller-to-host data: a read
                }
            } else {
                log.warn("{}: unsupported SGL descriptor 0x{} in {}", this, Integer.toHexString(sglId), sqe);
                r.fail(Status.SGL_INVALID_DESCRIPTOR_TYPE, ErrorLocation.SGL_IDENTIFIER);
            }
        } catch (RuntimeException e) {
            log.error("{}: command {} failed", this, r, e);
            r.complete(Status.INTERNAL_ERROR);
        }
    }

    /**
     * Starts a parsed command: on an I/O queue once it holds its share of the in-flight budget ({@link QueueFlow}:
     * maybe later, in order), on the admin queue (Connect, Keep Alive, ...) at once.
     */
    private void start(NvmeRequest r, int len, boolean c2h, Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{}: command {} failed", this, r, e);
                r.complete(Status.INTERNAL_ERROR);
            }
        };
        if (qid() == 0) guarded.run();
        else flow.admit(r.cid(), Integer.toUnsignedLong(len), c2h, guarded);
    }

    /** A Connect bound this connection to queue {@code q} of a controller. */
    private void bind(ControllerQueue q) {
        bound = q;
        idle.bound(q);
        metrics.bound(q.qid(), q.controller().subsystem().nqn());
    }

    /** Sends one R2T for the whole transfer (as nvmet does); the host answers with H2CData PDUs. */
    private void requestData(NvmeRequest r, int len) {
        int ttag;
        do {
            ttag = nextTtag;
            nextTtag = (nextTtag + 1) & 0xFFFF;
        } while (r2ts.containsKey(ttag));
        r2ts.put(ttag, new Inbound(r, len));
        send(new Pdu.R2T(r.cid(), ttag, 0, len));
    }

    private void onH2CData(Pdu.H2CData h2c, ByteBuffer raw, boolean badData) {
        Inbound in = r2ts.get(h2c.ttag());
        if (in == null) {
            terminate(new PduException(PduException.FES_INVALID_HEADER_FIELD, 10, "H2CData with unknown TTAG " + h2c.ttag()), raw);
            return;
        }
        if (in.request.cid() != h2c.cccid()) {
            terminate(new PduException(PduException.FES_INVALID_HEADER_FIELD, 8, "H2CData CCCID " + h2c.cccid() + " does not match TTAG's CID " + in.request.cid()), raw);
            return;
        }
        int n = h2c.data().remaining();
        if (h2c.datao() != in.received || (long) in.received + n > in.length) {
            terminate(new PduException(PduException.FES_DATA_OUT_OF_RANGE, 12, "H2CData DATAO " + h2c.datao() + " DATAL " + n
                    + " but " + in.received + " of " + in.length + " bytes received"), raw);
            return;
        }
        if (in.received == 0 && n == in.length) {
            in.data = Buffers.vertx(h2c.data()); // all the data in one PDU: pass the received bytes on, no copy
        } else {
            if (in.data == null) in.data = Buffer.buffer(in.length);
            in.data.appendBuffer(Buffers.vertx(h2c.data()));
        }
        in.received += n;
        in.digestError |= badData;
        if (in.received == in.length) {
            r2ts.remove(h2c.ttag());
            if (in.digestError) {
                in.request.complete(Status.TRANSIENT_TRANSPORT_ERROR); // NVMe/TCP 1.0 section 3.6.3.1: retryable
                return;
            }
            in.request.attachData(in.data);
            try {
                in.request.execute();
            } catch (RuntimeException e) {
                log.error("{}: command {} failed", this, in.request, e);
                in.request.complete(Status.INTERNAL_ERROR);
            }
        }
    }

    /** QID of this queue; 0 until Connect bound it (a Connect's response reports the QID it connected). */
    private int qid() {
        return bound == null ? 0 : bound.qid();
    }

    @Override
    public int sqHead() {
        return sqhd;
    }

    /**
     * Sends the data in C2HData PDUs (DATAO cumulative, LAST on the final one), then a CapsuleResp; when the host
     * disabled SQ flow control on this queue (Connect CATTR bit 2), the last C2HData of a successful command carries
     * SUCCESS instead and no CapsuleResp follows (NVMe/TCP 1.0 section 3.6.2.8; nvmet {@code sqhd_disabled}).
     */
    @Override
    public void sendResponse(Cqe cqe, Buffer data) {
        if (outbound.onEventLoop()) flow.completed(cqe.cid()); // its in-flight share goes back
        else context.runOnContext(v -> flow.completed(cqe.cid()));
        if (state == State.CLOSED) return;
        boolean successFlag = false;
        if (data != null) {
            ByteBuffer all = Buffers.nio(data);
            int total = all.remaining();
            successFlag = bound != null && bound.sqFlowControlDisabled() && cqe.status() == Status.SUCCESS && total > 0;
            for (int off = 0; off < total; off += config.c2hChunk()) {
                int n = Math.min(config.c2hChunk(), total - off);
                boolean last = off + n == total;
                send(new Pdu.C2HData(cqe.cid(), off, last, last && successFlag, all.slice(off, n)));
            }
        }
        if (!successFlag) send(new Pdu.CapsuleResp(cqe));
    }

    /** Queues {@code pdu} for the write at the end of this event-loop turn ({@link OutboundBatch}). */
    private void send(Pdu pdu) {
        PduCodec.Parts p = PduCodec.encodeParts(pdu, hdgst, ddgst);
        if (outbound.onEventLoop()) {
            outbound.add(p);
        } else {
            context.runOnContext(v -> {
                if (state != State.CLOSED) outbound.add(p);
            });
        }
    }

    /** After a batch of PDUs went to the socket, and after its write completed. */
    private void written() {
        flow.poke();
    }

    /** Ends the connection after a fatal transport error: C2HTermReq with FES/FEI and the offending header. */
    private void terminate(PduException e, ByteBuffer offending) {
        if (state == State.CLOSED) return;
        log.warn("{}: fatal transport error (FES {}, FEI {}): {}; sending C2HTermReq and closing", this, e.fes, e.fei, e.getMessage());
        ByteBuffer hdr = offending == null ? ByteBuffer.allocate(0)
                : offending.slice(0, Math.min(offending.remaining(), Math.min(PduCodec.TERM_REQ_MAX_DATA, hlenOf(offending))));
        PduCodec.Parts p = PduCodec.encodeParts(new Pdu.TermReq(false, e.fes, e.fei, hdr), false, false);
        outbound.flush(); // PDUs queued before the C2HTermReq go first
        outbound.add(p); // through the TLS session, if any
        outbound.flush();
        close("fatal transport error");
    }

    private static int hlenOf(ByteBuffer raw) {
        return raw.remaining() > 2 ? Math.max(8, raw.get(raw.position() + 2) & 0xFF) : raw.remaining();
    }

    @Override
    public void close(String reason) {
        if (state == State.CLOSED) return;
        state = State.CLOSED;
        log.debug("{}: closing: {}", this, reason);
        if (outbound.onEventLoop()) {
            outbound.flush();
            if (tls != null) tls.close(); // close_notify
        }
        socket.close();
    }

    private void onClosed() {
        state = State.CLOSED;
        idle.closed();
        outbound.discard();
        r2ts.clear();
        flow.closed();
        if (bound != null) bound.closed();
        metrics.closed();
    }

    @Override
    public PskIdentity tlsPskIdentity() {
        return tls == null ? null : tls.identity();
    }

    @Override
    public String remoteAddress() {
        return socket.remoteAddress().host() + ":" + socket.remoteAddress().port();
    }

    @Override
    public String localHost() {
        return socket.localAddress().host();
    }

    @Override
    public int localPort() {
        return socket.localAddress().port();
    }

    @Override
    public void runOnContext(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    @Override
    public String toString() {
        String who = bound == null ? "unbound" : "cntlid " + bound.controller().cntlid() + " qid " + bound.qid();
        return "queue[" + remoteAddress() + " " + who + (tls != null ? " tls" : "") + "]";
    }
}
