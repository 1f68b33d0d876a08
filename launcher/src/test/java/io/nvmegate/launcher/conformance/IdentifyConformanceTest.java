package io.nvmegate.launcher.conformance;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.client.CommandBuilders;
import io.nvmegate.client.NamespaceDescriptor;
import io.nvmegate.client.NvmeController;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;

import static io.nvmegate.launcher.conformance.ConformanceTarget.NQN;
import static io.nvmegate.launcher.conformance.ConformanceTarget.assertStatus;
import static io.nvmegate.launcher.conformance.ConformanceTarget.connect;
import static org.assertj.core.api.Assertions.assertThat;

/** Identify (NVMe Base 2.0 section 5.17): CNS 00h/01h/02h/03h/05h/06h and their edge cases. */
@ExtendWith(ConformanceTarget.class)
class IdentifyConformanceTest {

    /** Identify Controller fields of a fabrics I/O controller (Figure 275; NVMe-oF 1.1 section 4.1). */
    @Test
    void identifyControllerFieldsOfAFabricsIoController() {
        try (NvmeController c = connect()) {
            byte[] id = c.identifyAsync(Opcodes.CNS_CONTROLLER, 0, 0).join();
            assertThat(Le.ascii(id, 4, 20)).isEqualTo(ConformanceTarget.SERIAL);
            assertThat(Le.ascii(id, 24, 40)).isEqualTo("nvmegate");
            assertThat(Le.ascii(id, 64, 8)).isEqualTo(ConformanceTarget.FIRMWARE);
            assertThat(Le.u8(id, 76)).as("CMIC multi-port, multi-controller, ANA").isEqualTo(0b1011);
            int mdts = Le.u8(id, 77);
            assertThat(4096L << mdts).isEqualTo(ConformanceTarget.TRANSPORT.mdtsBytes());
            assertThat(Le.u16(id, 78)).as("CNTLID = Connect result").isEqualTo(c.cntlid());
            assertThat(Le.u32(id, 80)).as("VER = VS").isEqualTo(c.version()).isEqualTo(0x00010300);
            assertThat(Le.u32(id, 92)).as("OAES NS attribute + ANA change").isEqualTo(1 << 8 | 1 << 11);
            assertThat(Le.u32(id, 96)).as("CTRATT 128-bit host ID + TBKAS").isEqualTo(1 | 1 << 6);
            assertThat(Le.u8(id, 111)).as("CNTRLTYPE I/O").isEqualTo(1);
            assertThat(Le.u8(id, 258)).as("ACL").isEqualTo(3);
            assertThat(Le.u8(id, 259)).as("AERL").isEqualTo(3);
            assertThat(Le.u8(id, 260)).as("FRMW: 1 slot, slot 1 read-only").isEqualTo(0b11);
            assertThat(Le.u8(id, 261)).as("LPA: effects log + extended data").isEqualTo(0b110);
            assertThat(Le.u8(id, 262)).as("ELPE").isEqualTo(63);
            assertThat(Le.u16(id, 320)).as("KAS").isEqualTo(10);
            assertThat(Le.u8(id, 342)).as("ANATT").isEqualTo(10);
            assertThat(Le.u8(id, 343)).as("ANACAP: optimized, non-optimized, inaccessible, change, non-zero ANAGRPID").isEqualTo(0b1001_0111);
            assertThat(Le.u32(id, 344)).as("ANAGRPMAX").isEqualTo(128);
            assertThat(Le.u32(id, 348)).as("NANAGRPID").isEqualTo(128);
            assertThat(Le.u8(id, 512)).as("SQES").isEqualTo(0x66);
            assertThat(Le.u8(id, 513)).as("CQES").isEqualTo(0x44);
            assertThat(Le.u16(id, 514)).as("MAXCMD").isEqualTo(ConformanceTarget.TRANSPORT.maxQueueSize());
            long nn = Integer.toUnsignedLong(Le.u32(id, 516)), mnan = Integer.toUnsignedLong(Le.u32(id, 540));
            assertThat(nn).isEqualTo(1024);
            assertThat(mnan).as("MNAN non-zero and <= NN with CMIC.ANA").isPositive().isLessThanOrEqualTo(nn);
            assertThat(Le.u16(id, 520)).as("ONCS compare, DSM, write zeroes, reservations, verify").isEqualTo(1 | 1 << 2 | 1 << 3 | 1 << 5 | 1 << 7);
            assertThat(Le.u16(id, 522)).as("FUSES compare and write").isEqualTo(1);
            assertThat(Le.u8(id, 525)).as("VWC present, flush all supported").isEqualTo(0b111);
            assertThat(Le.u32(id, 536)).as("SGLS: supported + offset (in-capsule)").isEqualTo(1 | 1 << 20);
            assertThat(Le.ascii(id, 768, 256).replace("\0", "")).isEqualTo(NQN);
            assertThat(Le.u32(id, 1792) * 16 - 64).as("IOCCSZ").isEqualTo(ConformanceTarget.TRANSPORT.inCapsuleDataSize());
            assertThat(Le.u32(id, 1796)).as("IORCSZ").isEqualTo(1);
            assertThat(Le.u16(id, 1800)).as("ICDOFF").isZero();
            assertThat(Le.u8(id, 1803)).as("MSDBD").isEqualTo(1);
            // The Linux host disables ANA unless the whole ANA log fits in MDTS (nvme_mpath_init_identify).
            long anaLogMax = 16 + Integer.toUnsignedLong(Le.u32(id, 348)) * 32 + mnan * 4;
            assertThat(anaLogMax).isLessThanOrEqualTo(4096L << mdts);
        }
    }

    @Test
    void everyControllerOfTheSubsystemReportsTheSameIdentity() {
        try (NvmeController a = connect(); NvmeController b = connect()) {
            assertThat(a.cntlid()).isNotEqualTo(b.cntlid());
            var ia = a.identifyController();
            var ib = b.identifyController();
            assertThat(ib.sn()).isEqualTo(ia.sn());
            assertThat(ib.mn()).isEqualTo(ia.mn());
            assertThat(ib.fr()).isEqualTo(ia.fr());
            assertThat(a.namespaceDescriptors(1)).usingRecursiveComparison().isEqualTo(b.namespaceDescriptors(1));
        }
    }

    /** CNS 00h: sizes, LBA formats, NMIC, ANAGRPID, NGUID (NVM Command Set 1.0 Figure 97). */
    @Test
    void identifyNamespaceFields() {
        try (NvmeController c = connect()) {
            byte[] ns1 = c.identifyAsync(Opcodes.CNS_NAMESPACE, 1, 0).join();
            assertThat(Le.u64(ns1, 0)).as("NSZE").isEqualTo((64L << 20) / 4096);
            assertThat(Le.u64(ns1, 8)).as("NCAP").isEqualTo((64L << 20) / 4096);
            assertThat(Le.u8(ns1, 30) & 1).as("NMIC shared").isEqualTo(1);
            assertThat(Le.u32(ns1, 92)).as("ANAGRPID").isEqualTo(1);
            assertThat(Le.u8(ns1, 130)).as("LBADS 4096").isEqualTo(12);
            UUID u1 = NamespaceSpec.defaultUuid(NQN, 1);
            ByteBuffer nguid = ByteBuffer.wrap(Le.slice(ns1, 104, 16));
            assertThat(new UUID(nguid.getLong(), nguid.getLong())).isEqualTo(u1);

            byte[] ns2 = c.identifyAsync(Opcodes.CNS_NAMESPACE, 2, 0).join();
            assertThat(Le.u8(ns2, 130)).as("LBADS 512").isEqualTo(9);
            assertThat(Le.u64(ns2, 0)).isEqualTo((16L << 20) / 512);
            byte[] ns3 = c.identifyAsync(Opcodes.CNS_NAMESPACE, 3, 0).join();
            assertThat(Le.u32(ns3, 92)).as("ANAGRPID of NSID 3").isEqualTo(2);
        }
    }

    @Test
    void inactiveNamespacesAreZeroFilledAndBroadcastIsInvalid() {
        try (NvmeController c = connect()) {
            assertThat(c.identifyAsync(Opcodes.CNS_NAMESPACE, 4, 0).join()).as("disabled NSID 4").containsOnly(0);
            assertThat(c.identifyAsync(Opcodes.CNS_NAMESPACE, 99, 0).join()).as("unknown NSID 99").containsOnly(0);
            assertThat(c.identifyNamespace(99).active()).isFalse();
            assertStatus(() -> c.identifyNamespace(0xFFFFFFFF), Status.dnr(Status.INVALID_NAMESPACE));
            assertStatus(() -> c.identifyNamespace(0), Status.dnr(Status.INVALID_NAMESPACE));
        }
    }

    /** CNS 02h: active NSIDs greater than CDW1.NSID, ascending, zero-terminated. */
    @Test
    void activeNamespaceList() {
        try (NvmeController c = connect()) {
            assertThat(c.activeNamespaces(0)).containsExactly(1, 2, 3);
            assertThat(c.activeNamespaces(1)).containsExactly(2, 3);
            assertThat(c.activeNamespaces(3)).isEmpty();
            assertStatus(() -> c.activeNamespaces(0xFFFFFFFE), Status.dnr(Status.INVALID_NAMESPACE));
            assertStatus(() -> c.activeNamespaces(0xFFFFFFFF), Status.dnr(Status.INVALID_NAMESPACE));
        }
    }

    /** CNS 03h: NGUID (2), UUID (3), CSI (4); inactive → Invalid Namespace | DNR. */
    @Test
    void namespaceIdentificationDescriptors() {
        try (NvmeController c = connect()) {
            List<NamespaceDescriptor> d = c.namespaceDescriptors(2);
            assertThat(d).extracting(NamespaceDescriptor::nidt).containsExactly(2, 3, 4);
            UUID u2 = NamespaceSpec.defaultUuid(NQN, 2);
            ByteBuffer expect = ByteBuffer.allocate(16).putLong(u2.getMostSignificantBits()).putLong(u2.getLeastSignificantBits());
            assertThat(d.get(0).value()).isEqualTo(expect.array());
            assertThat(d.get(1).value()).isEqualTo(expect.array());
            assertThat(d.get(2).value()).containsExactly(0);
            assertThat(c.namespaceDescriptors(1).get(0).value()).as("unique per namespace").isNotEqualTo(expect.array());
            assertStatus(() -> c.namespaceDescriptors(4), Status.dnr(Status.INVALID_NAMESPACE));
            assertStatus(() -> c.namespaceDescriptors(99), Status.dnr(Status.INVALID_NAMESPACE));
        }
    }

    @Test
    void commandSetSpecificAndUnknownCns() {
        try (NvmeController c = connect()) {
            Sqe csCtrl = CommandBuilders.identify(Opcodes.CNS_CS_CONTROLLER, 0, 0).cdw(11, 0);
            assertThat(c.submit(0, csCtrl, null, 4096).join().data().array()).as("CNS 06h CSI 0: all zero").containsOnly(0);
            Sqe csZns = CommandBuilders.identify(Opcodes.CNS_CS_CONTROLLER, 0, 0).cdw(11, 2 << 24);
            assertStatus(() -> c.submit(0, csZns, null, 4096).join(), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.identifyAsync(0x10, 0, 0).join(), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.identifyAsync(Opcodes.CNS_CS_INDEPENDENT_NS, 1, 0).join(), Status.dnr(Status.INVALID_FIELD));
        }
    }
}
