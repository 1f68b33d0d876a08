package io.nvmegate.launcher.conformance;

import io.nvmegate.client.CommandBuilders;
import io.nvmegate.client.NvmeController;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;

import static io.nvmegate.launcher.conformance.ConformanceTarget.assertStatus;
import static io.nvmegate.launcher.conformance.ConformanceTarget.connect;
import static org.assertj.core.api.Assertions.assertThat;

/** Get Log Page (NVMe Base 2.0 section 5.16): each supported LID, LPO/NUMD slicing, RAE, unknown LIDs. */
@ExtendWith(ConformanceTarget.class)
class LogPageConformanceTest {
    static final int ALL = 0xFFFFFFFF;

    @Test
    void supportedLogPages() {
        try (NvmeController c = connect()) {
            byte[] p = c.getLogPage(Opcodes.LOG_SUPPORTED, 0, false, 0, 1024, 0);
            for (int lid = 0; lid < 256; lid++) {
                boolean expect = lid == 0 || lid == 1 || lid == 2 || lid == 3 || lid == 4 || lid == 5 || lid == 0x0C || lid == 0x80;
                assertThat(Le.u32(p, lid * 4)).as("LID %02xh", lid).isEqualTo(expect ? 1 : 0);
            }
        }
    }

    /** 01h: a failed command leaves an entry (count, SQID, CID, status, LBA, NSID, TRTYPE), newest first. */
    @Test
    void errorInformationRecordsFailedCommands() {
        try (NvmeController c = connect()) {
            assertThat(c.getLogPage(Opcodes.LOG_ERROR, 0, false, 0, 64 * 64, 0)).as("no error yet").containsOnly(0);
            long beyond = (64L << 20) / 4096;
            Sqe read = CommandBuilders.read(1, beyond, 1);
            assertStatus(() -> c.io(1).submitIo(read, null, 4096).join(), Status.dnr(Status.LBA_OUT_OF_RANGE));
            assertStatus(() -> c.getLogPage(0x42, 0, false, 0, 512, 0), Status.dnr(Status.INVALID_FIELD));
            byte[] log = c.getLogPage(Opcodes.LOG_ERROR, 0, false, 0, 64 * 64, 0);
            // Newest first: the Get Log Page, then the read.
            assertThat(Le.u64(log, 0)).as("error count").isEqualTo(2);
            assertThat(Le.u16(log, 8)).as("SQID").isEqualTo(0);
            assertThat(Le.u16(log, 12) >> 1).isEqualTo(Status.dnr(Status.INVALID_FIELD));
            assertThat(Le.u16(log, 14)).as("parameter error location: LID, CDW10 bits 7:0 (SQE byte 40)").isEqualTo(40);
            assertThat(Le.u64(log, 64)).isEqualTo(1);
            assertThat(Le.u16(log, 64 + 8)).as("SQID").isEqualTo(1);
            assertThat(Le.u16(log, 64 + 12) >> 1).isEqualTo(Status.dnr(Status.LBA_OUT_OF_RANGE));
            assertThat(Le.u16(log, 64 + 14)).as("parameter error location: SLBA, CDW10 (SQE byte 40)").isEqualTo(40);
            assertThat(Le.u64(log, 64 + 16)).as("LBA").isEqualTo(beyond);
            assertThat(Le.u32(log, 64 + 24)).as("NSID").isEqualTo(1);
            assertThat(Le.u8(log, 64 + 29)).as("TRTYPE TCP").isEqualTo(3);
            assertThat(Arrays.copyOfRange(log, 128, log.length)).containsOnly(0);
            // SMART counts them.
            assertThat(Le.u64(c.getLogPage(Opcodes.LOG_SMART, 0, false, 0, 512, ALL), 176)).isEqualTo(2);
        }
    }

    /** 02h: data units (thousands of 512-byte units, rounded up) and host commands of this controller. */
    @Test
    void smartCountsDataUnitsAndCommands() {
        try (NvmeController c = connect()) {
            byte[] before = c.getLogPage(Opcodes.LOG_SMART, 0, false, 0, 512, ALL);
            assertThat(Le.u64(before, 32)).isZero();
            byte[] data = new byte[600 * 512];
            Arrays.fill(data, (byte) 7);
            c.write(2, 0, data, 512, false);      // 600 units
            c.write(2, 1000, data, 512, true);    // 600 units
            c.read(2, 0, 600, 512);               // 600 units
            c.compare(2, 0, data, 512);           // 600 units read
            c.verify(2, 0, 10);                   // 10 units read
            c.writeZeroes(2, 5000, 8, false);     // a write command, no data units
            byte[] s = c.getLogPage(Opcodes.LOG_SMART, 0, false, 0, 512, ALL);
            assertThat(Le.u64(s, 32)).as("data units read: 1210 units → 2").isEqualTo(2);
            assertThat(Le.u64(s, 48)).as("data units written: 1200 units → 2").isEqualTo(2);
            assertThat(Le.u64(s, 64)).as("host read commands").isEqualTo(3);
            assertThat(Le.u64(s, 80)).as("host write commands").isEqualTo(3);
            assertStatus(() -> c.getLogPage(Opcodes.LOG_SMART, 0, false, 0, 512, 1), Status.dnr(Status.INVALID_FIELD));
            assertThat(Arrays.copyOfRange(c.getLogPage(Opcodes.LOG_SMART, 0, false, 0, 512, 0), 32, 96))
                    .as("NSID 0 = controller").isEqualTo(Arrays.copyOfRange(s, 32, 96));
        }
    }

    @Test
    void firmwareSlotAndCommandEffects() {
        try (NvmeController c = connect()) {
            byte[] fw = c.getLogPage(Opcodes.LOG_FW_SLOT, 0, false, 0, 512, 0);
            assertThat(Le.u8(fw, 0)).as("AFI: slot 1 active").isEqualTo(1);
            assertThat(Le.ascii(fw, 8, 8)).isEqualTo(ConformanceTarget.FIRMWARE);
            byte[] fx = c.getLogPage(Opcodes.LOG_CMD_EFFECTS, 0, false, 0, 4096, 0);
            for (int opc : new int[] {0x02, 0x06, 0x08, 0x09, 0x0A, 0x0C, 0x18}) assertThat(Le.u32(fx, opc * 4)).as("admin %02xh", opc).isEqualTo(1);
            assertThat(Le.u32(fx, 0x05 * 4)).as("Create I/O CQ: not on fabrics").isZero();
            assertThat(Le.u32(fx, 1024 + 0x01 * 4)).as("Write: CSUPP|LBCC").isEqualTo(3);
            assertThat(Le.u32(fx, 1024 + 0x02 * 4)).as("Read").isEqualTo(1);
            assertThat(Le.u32(fx, 1024 + 0x05 * 4)).as("Compare").isEqualTo(1);
            assertThat(Le.u32(fx, 1024 + 0x08 * 4)).as("Write Zeroes").isEqualTo(3);
            assertThat(Le.u32(fx, 1024 + 0x09 * 4)).as("DSM").isEqualTo(3);
            assertThat(Le.u32(fx, 1024 + 0x0C * 4)).as("Verify").isEqualTo(1);
            assertThat(Le.u32(fx, 1024 + 0x04 * 4)).as("Write Uncorrectable: no").isZero();
        }
    }

    /** 0Ch: groups by ANAGRPID with their NSIDs, state optimized; LSP bit 0 RGO returns groups only. */
    @Test
    void asymmetricNamespaceAccessLog() {
        try (NvmeController c = connect()) {
            byte[] ana = c.getLogPage(Opcodes.LOG_ANA, 0, false, 0, 4096, 0);
            long chgcnt = Le.u64(ana, 0);
            assertThat(chgcnt).isPositive();
            assertThat(Le.u16(ana, 8)).as("NGRPS").isEqualTo(2);
            assertThat(Le.u32(ana, 16)).as("group 1").isEqualTo(1);
            assertThat(Le.u32(ana, 20)).as("NNSIDS").isEqualTo(2);
            assertThat(Le.u8(ana, 32)).as("state optimized").isEqualTo(1);
            assertThat(Le.u32(ana, 48)).isEqualTo(1);
            assertThat(Le.u32(ana, 52)).isEqualTo(2);
            int g2 = 56;
            assertThat(Le.u32(ana, g2)).as("group 2").isEqualTo(2);
            assertThat(Le.u32(ana, g2 + 4)).isEqualTo(1);
            assertThat(Le.u8(ana, g2 + 16)).isEqualTo(1);
            assertThat(Le.u32(ana, g2 + 32)).as("NSID 3").isEqualTo(3);
            assertThat(Arrays.copyOfRange(ana, g2 + 36, 4096)).containsOnly(0);

            byte[] rgo = c.getLogPage(Opcodes.LOG_ANA, 1, false, 0, 4096, 0);
            assertThat(Le.u16(rgo, 8)).isEqualTo(2);
            assertThat(Le.u32(rgo, 16)).isEqualTo(1);
            assertThat(Le.u32(rgo, 20)).as("RGO: NNSIDS 0").isZero();
            assertThat(Le.u32(rgo, 48)).as("second descriptor right after").isEqualTo(2);
            assertThat(Le.u32(rgo, 52)).isZero();
        }
    }

    /** LPO (bytes) and NUMD: any dword-aligned window; past the end reads zeroes; LPO % 4 → Invalid Field. */
    @Test
    void offsetsAndPartialLengths() {
        try (NvmeController c = connect()) {
            byte[] whole = c.getLogPage(Opcodes.LOG_ANA, 0, true, 0, 4096, 0);
            assertThat(c.getLogPage(Opcodes.LOG_ANA, 0, true, 16, 32, 0)).isEqualTo(Arrays.copyOfRange(whole, 16, 48));
            assertThat(c.getLogPage(Opcodes.LOG_ANA, 0, true, 0, 4, 0)).isEqualTo(Arrays.copyOfRange(whole, 0, 4));
            assertThat(c.getLogPage(Opcodes.LOG_SUPPORTED, 0, true, 8192, 64, 0)).containsOnly(0);
            Sqe odd = CommandBuilders.getLogPage(Opcodes.LOG_ERROR, 0, false, 0, 64, 0).cdw(12, 2);
            assertStatus(() -> c.submit(0, odd, null, 64).join(), Status.dnr(Status.INVALID_FIELD));
        }
    }

    @Test
    void unknownLogPagesAreInvalidFieldWithDnr() {
        try (NvmeController c = connect()) {
            for (int lid : new int[] {0x06, 0x09, 0x42, 0x70, 0x81, 0xC0}) {
                assertStatus(() -> c.getLogPage(lid, 0, false, 0, 512, 0), Status.dnr(Status.INVALID_FIELD));
            }
        }
    }

    /** 04h starts empty; see {@link AsyncEventConformanceTest} for entries and RAE. */
    @Test
    void changedNamespaceListStartsEmpty() {
        try (NvmeController c = connect()) {
            assertThat(c.getLogPage(Opcodes.LOG_CHANGED_NS, 0, false, 0, 4096, 0)).containsOnly(0);
        }
    }
}
