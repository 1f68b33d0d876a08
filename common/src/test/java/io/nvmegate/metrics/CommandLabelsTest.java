package io.nvmegate.metrics;

import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLabelsTest {
    @Test
    void opcodesByQueueKind() {
        assertThat(CommandLabels.opcode(1, Opcodes.IO_READ, 0)).isEqualTo("read");
        assertThat(CommandLabels.opcode(0, 0x02, 0)).isEqualTo("get_log_page"); // same opcode, admin queue
        assertThat(CommandLabels.opcode(0, Opcodes.FABRICS, Opcodes.FCTYPE_CONNECT)).isEqualTo("fabrics_connect");
        assertThat(CommandLabels.opcode(3, 0xC5, 0)).isEqualTo("io_0xc5");
        assertThat(CommandLabels.opcode(0, 0xC5, 0)).isEqualTo("admin_0xc5");
    }

    @Test
    void statusesIgnoreDnrAndStayBounded() {
        assertThat(CommandLabels.status(Status.SUCCESS)).isEqualTo("success");
        assertThat(CommandLabels.status(Status.dnr(Status.LBA_OUT_OF_RANGE))).isEqualTo("lba_out_of_range");
        assertThat(CommandLabels.status(Status.CONNECT_INVALID_HOST)).isEqualTo("connect_invalid_host");
        assertThat(CommandLabels.status(Status.sct(Status.SCT_MEDIA, 0x81))).isEqualTo("sct2_sc81");
        Set<String> all = new HashSet<>();
        for (int sf = 0; sf < 1 << 15; sf++) all.add(CommandLabels.status(sf));
        assertThat(all).hasSizeLessThanOrEqualTo(2048);
    }

    @Test
    void nsidLabelsAreCapped() {
        LabelLimiter l = new LabelLimiter(3);
        assertThat(CommandLabels.nsid(0, Opcodes.ADMIN_IDENTIFY, 1, l)).isEmpty();
        assertThat(CommandLabels.nsid(1, Opcodes.IO_FLUSH, 0xFFFFFFFF, l)).isEqualTo("all");
        assertThat(CommandLabels.nsid(1, Opcodes.IO_READ, 1, l)).isEqualTo("1");
        assertThat(CommandLabels.nsid(1, Opcodes.IO_READ, 2, l)).isEqualTo("2");
        assertThat(CommandLabels.nsid(1, Opcodes.IO_READ, 3, l)).isEqualTo("3");
        assertThat(CommandLabels.nsid(1, Opcodes.IO_READ, 4, l)).isEqualTo(LabelLimiter.OTHER);
        assertThat(CommandLabels.nsid(1, Opcodes.IO_READ, 2, l)).isEqualTo("2");
        assertThat(CommandLabels.nsid(1, Opcodes.IO_READ, 0x80000000, l)).isEqualTo(LabelLimiter.OTHER);
    }
}
