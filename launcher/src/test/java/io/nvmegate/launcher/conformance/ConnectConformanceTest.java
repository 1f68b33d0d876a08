package io.nvmegate.launcher.conformance;

import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Pdu;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;

import static io.nvmegate.launcher.conformance.ConformanceTarget.ALLOWED_HOST;
import static io.nvmegate.launcher.conformance.ConformanceTarget.NQN;
import static io.nvmegate.launcher.conformance.ConformanceTarget.RESTRICTED_NQN;
import static io.nvmegate.launcher.conformance.ConformanceTarget.options;
import static io.nvmegate.launcher.conformance.ConformanceTarget.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fabrics Connect errors (NVMe-oF 1.1 section 3.3, Figure 21): Connect Invalid Parameters with IATTR/IPO naming
 * the field, Connect Invalid Host, Incompatible Format, Command Sequence Error. The permanent ones carry DNR; the
 * transient Controller Busy does not (see ConnectErrorsTest in common).
 */
@ExtendWith(ConformanceTarget.class)
class ConnectConformanceTest {
    static final int IATTR_DATA = 1 << 16;

    @Test
    void unknownSubsystemPointsAtSubnqn() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(port())) {
            h.handshake(false, false);
            Cqe c = h.connect("nqn.2026-11.io.nvmegate:no-such-subsystem", 0, 31, 0, 0xFFFF);
            assertThat(c.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
            assertThat(c.dw0()).as("IATTR 1 (data), IPO 256 (SUBNQN)").isEqualTo(IATTR_DATA | 256);
        }
        assertThatThrownBy(() -> NvmeTcpHost.connect(options().subsystemNqn("nqn.2026-11.io.nvmegate:nope").build()))
                .isInstanceOf(NvmeStatusException.class).hasMessageContaining("SUBNQN");
    }

    @Test
    void hostNotAllowedIsConnectInvalidHost() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(port())) {
            h.handshake(false, false);
            Cqe c = h.connect(RESTRICTED_NQN, 0, 31, 0, 0xFFFF);
            assertThat(c.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_HOST));
            assertThat(c.dw0()).as("IATTR 1, IPO 512 (HOSTNQN)").isEqualTo(IATTR_DATA | 512);
        }
        try (NvmeController c = NvmeTcpHost.connect(options().subsystemNqn(RESTRICTED_NQN).hostNqn(ALLOWED_HOST).build())) {
            assertThat(c.activeNamespaces(0)).containsExactly(1);
        }
    }

    @Test
    void ioQueueConnectErrors() throws Exception {
        try (RawNvmeTcpHost admin = RawNvmeTcpHost.connect(port())) {
            admin.handshake(false, false);
            int cntlid = admin.adminQueue(NQN);
            try (RawNvmeTcpHost io = RawNvmeTcpHost.connect(port())) {
                io.handshake(false, false);
                Cqe wrong = io.connect(NQN, 1, 31, 0, cntlid + 1000);
                assertThat(wrong.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
                assertThat(wrong.dw0()).as("IPO 16 (CNTLID)").isEqualTo(IATTR_DATA | 16);
                Cqe qid = io.connect(NQN, 99, 31, 0, cntlid);
                assertThat(qid.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
                assertThat(qid.dw0()).as("IATTR 0 (SQE), IPO 42 (QID)").isEqualTo(42);
                Cqe ok = io.connect(NQN, 1, 31, 0, cntlid);
                assertThat(ok.status()).isEqualTo(Status.SUCCESS);
                assertThat(ok.dw0() & 0xFFFF).isEqualTo(cntlid);
                Cqe again = io.connect(NQN, 1, 31, 0, cntlid);
                assertThat(again.status()).as("Connect on a connected queue").isEqualTo(Status.dnr(Status.COMMAND_SEQUENCE_ERROR));
                try (RawNvmeTcpHost dup = RawNvmeTcpHost.connect(port())) {
                    dup.handshake(false, false);
                    Cqe taken = dup.connect(NQN, 1, 31, 0, cntlid);
                    assertThat(taken.status()).as("QID already connected").isEqualTo(Status.dnr(Status.COMMAND_SEQUENCE_ERROR));
                }
            }
        }
    }

    @Test
    void formatAndSequenceErrors() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(port())) {
            h.handshake(false, false);
            Sqe ka = Sqe.allocate().opcode(Opcodes.ADMIN_KEEP_ALIVE).cid(h.cid());
            h.send(new Pdu.CapsuleCmd(ka, ByteBuffer.allocate(0)));
            assertThat(h.response().status()).as("command before Connect").isEqualTo(Status.dnr(Status.COMMAND_SEQUENCE_ERROR));
            ByteBuffer data = ByteBuffer.allocate(1024);
            Sqe recfmt = Sqe.allocate().opcode(Opcodes.FABRICS).cid(h.cid()).fctype(Opcodes.FCTYPE_CONNECT).u16(40, 1)
                    .u16(44, 31).sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(1024);
            h.send(new Pdu.CapsuleCmd(recfmt, data));
            assertThat(h.response().status()).isEqualTo(Status.dnr(Status.CONNECT_INCOMPATIBLE_FORMAT));
            Cqe sq = h.connect(NQN, 0, 0, 0, 0xFFFF);
            assertThat(sq.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_PARAMETERS));
            assertThat(sq.dw0()).as("IPO 44 (SQSIZE 0)").isEqualTo(44);
        }
    }
}
