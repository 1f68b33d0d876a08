package io.nvmegate.auth;

import io.nvmegate.controller.ControllerQueue;
import io.nvmegate.controller.ErrorLocation;
import io.nvmegate.controller.NvmeRequest;
import io.nvmegate.controller.StatusException;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.nvmegate.protocol.auth.AuthMessage;
import io.nvmegate.protocol.auth.AuthNegotiate;
import io.nvmegate.protocol.auth.DhchapException;
import io.vertx.core.buffer.Buffer;

/**
 * Authentication Send and Authentication Receive (Fabrics opcode 7Fh, FCTYPE 05h / 06h; NVMe Base 2.x section
 * 6.2/6.3 and 8.3.4.5; Linux {@code drivers/nvme/target/fabrics-cmd-auth.c}), accepted on the admin queue and on
 * every I/O queue; each queue runs its own transaction ({@link QueueAuth}).
 *
 * <p>SQE: NSSF u8 @40 (ignored), SPSP0 u8 @41 (must be 01h), SPSP1 u8 @42 (01h), SECP u8 @43 (E9h, DH-HMAC-CHAP),
 * TL (Send) / AL (Receive) le32 @44. Checked when the command is parsed, in nvmet's order: SECP, SPSP0, SPSP1 →
 * Invalid Field | DNR at that byte; TL/AL 0 → Invalid Field | DNR at TL/AL; TL/AL other than the SGL length →
 * Data SGL Length Invalid | DNR at the SGL length (nvmet {@code nvmet_check_transfer_len}).
 *
 * <p>Send: the TL bytes go to the transaction ({@link DhchapTransaction#send}); the command itself succeeds even
 * when the message fails the transaction (the host learns it from its next Receive, AUTH_Failure1), as nvmet. An
 * AUTH_Negotiate of a host NQN that failed recently is answered after the {@link AuthThrottle} delay (a timer).
 * Receive: the message the step calls for, zero-padded to AL (nvmet {@code kzalloc(al)}); a Challenge larger than
 * AL → Internal Error without DNR and the step stays (nvmet: {@code nvmet_auth_challenge} fails with -EINVAL,
 * {@code NVME_SC_INTERNAL}); a Success1 or Failure1 larger than AL returns AL zero bytes and is consumed (nvmet
 * returns no data then). The DH computations (Challenge, Reply) run on a worker thread, not the event loop.
 * On a controller without authentication (the discovery controller) both are Invalid Command Opcode | DNR at
 * FCTYPE, as before.
 */
public final class AuthCommands {
    private AuthCommands() {}

    /** SQE byte offsets. */
    public static final int SPSP0 = 41, SPSP1 = 42, SECP = 43, TL_AL = 44;
    /** The DH-HMAC-CHAP security protocol (SECP), Linux {@code NVME_AUTH_DHCHAP_PROTOCOL_IDENTIFIER}. */
    public static final int SECP_DHCHAP = 0xE9;
    /** SPSP0 and SPSP1 of DH-HMAC-CHAP. */
    public static final int SPSP_DHCHAP = 0x01;

    /**
     * Parses an Authentication Send or Receive received on {@code queue}.
     *
     * @return its handler
     * @throws StatusException the field at fault, as above
     */
    public static NvmeRequest.Handler parse(ControllerQueue queue, NvmeRequest r) throws StatusException {
        if (!(queue.authentication() instanceof QueueAuth auth)) {
            throw StatusException.dnr(Status.INVALID_OPCODE, ErrorLocation.FCTYPE);
        }
        var sqe = r.sqe();
        if (sqe.u8(SECP) != SECP_DHCHAP) throw StatusException.invalidField(ErrorLocation.at(SECP, 0));
        if (sqe.u8(SPSP0) != SPSP_DHCHAP) throw StatusException.invalidField(ErrorLocation.at(SPSP0, 0));
        if (sqe.u8(SPSP1) != SPSP_DHCHAP) throw StatusException.invalidField(ErrorLocation.at(SPSP1, 0));
        int length = sqe.u32(TL_AL);
        if (length == 0) throw StatusException.invalidField(ErrorLocation.at(TL_AL, 0));
        if (length != sqe.sglLength()) throw StatusException.dnr(Status.SGL_DATA_LENGTH_INVALID, ErrorLocation.SGL_LENGTH);
        return sqe.fctype() == Opcodes.FCTYPE_AUTH_SEND ? x -> send(auth, x, length) : x -> receive(auth, x, length);
    }

    private static void send(QueueAuth auth, NvmeRequest r, int tl) throws StatusException {
        Buffer data = r.data();
        if (data == null || data.length() != tl) throw StatusException.dnr(Status.SGL_DATA_LENGTH_INVALID, ErrorLocation.SGL_LENGTH);
        byte[] payload = data.getBytes();
        long delay = 0;
        if (isNegotiate(payload)) {
            auth.negotiating();
            delay = auth.owner().throttle().delayMs(auth.controller().hostNqn());
        }
        if (delay > 0) {
            auth.controller().vertx().setTimer(delay, id -> runSend(auth, r, payload));
        } else {
            runSend(auth, r, payload);
        }
    }

    private static void runSend(QueueAuth auth, NvmeRequest r, byte[] payload) {
        auth.controller().vertx().executeBlocking(() -> auth.transaction().send(payload), false).onComplete(ar -> {
            if (ar.failed()) {
                r.complete(Status.INTERNAL_ERROR);
                return;
            }
            r.complete(Status.SUCCESS);
            auth.stepped(r.queue());
        });
    }

    private static void receive(QueueAuth auth, NvmeRequest r, int al) {
        DhchapTransaction t = auth.transaction();
        if (t.step() == DhchapTransaction.Step.CHALLENGE && t.receiveLength() > al) {
            r.complete(Status.INTERNAL_ERROR);
            return;
        }
        auth.controller().vertx().executeBlocking(() -> {
            int length = t.receiveLength();
            byte[] message = t.receive();
            return length <= al ? message : new byte[0];
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                r.complete(Status.INTERNAL_ERROR);
                return;
            }
            r.respond(Buffer.buffer(ar.result()));
            auth.stepped(r.queue());
        });
    }

    /** AUTH_Type 00h (common) with AUTH_Id 00h: AUTH_Negotiate. */
    private static boolean isNegotiate(byte[] payload) {
        try {
            return AuthMessage.decode(payload) instanceof AuthNegotiate;
        } catch (DhchapException e) {
            return false;
        }
    }
}
