package io.nvmegate.client;

import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SQE fields land at the offsets of NVMe Base 2.0 / NVMe-oF 1.1 / NVM Command Set 1.0. */
class CommandBuildersTest {

    private static ByteBuffer le(Sqe s) {
        return s.buffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void everySqeUsesSgls() {
        for (Sqe s : List.of(CommandBuilders.connect(0, 31, 0, 0), CommandBuilders.propertyGet(0, true),
                CommandBuilders.identify(1, 0, 0), CommandBuilders.read(1, 0, 1), CommandBuilders.keepAlive())) {
            assertThat(le(s).get(1) & 0xC0).as("PSDT 01b").isEqualTo(0x40);
            assertThat(s.cid()).isZero();
        }
    }

    @Test
    void connect() {
        ByteBuffer b = le(CommandBuilders.connect(3, 127, CommandBuilders.CATTR_DISABLE_SQ_FLOW_CONTROL, 15000));
        assertThat(b.get(0) & 0xFF).isEqualTo(0x7F);
        assertThat(b.get(4) & 0xFF).as("FCTYPE").isEqualTo(0x01);
        assertThat(b.getShort(40)).as("RECFMT").isZero();
        assertThat(b.getShort(42)).as("QID").isEqualTo((short) 3);
        assertThat(b.getShort(44)).as("SQSIZE").isEqualTo((short) 127);
        assertThat(b.get(46)).as("CATTR").isEqualTo((byte) 4);
        assertThat(b.getInt(48)).as("KATO").isEqualTo(15000);
    }

    @Test
    void connectData() {
        UUID id = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
        ByteBuffer d = CommandBuilders.connectData(id, 0xFFFF, "nqn.sub", "nqn.host").order(ByteOrder.LITTLE_ENDIAN);
        assertThat(d.remaining()).isEqualTo(1024);
        for (int i = 0; i < 16; i++) assertThat(d.get(i) & 0xFF).as("HOSTID[%d]", i).isEqualTo(i * 0x11);
        assertThat(d.getShort(16) & 0xFFFF).isEqualTo(0xFFFF);
        assertThat(ascii(d, 256)).isEqualTo("nqn.sub");
        assertThat(d.get(256 + 7)).isZero();
        assertThat(ascii(d, 512)).isEqualTo("nqn.host");
        for (int i = 768; i < 1024; i++) assertThat(d.get(i)).isZero();
        assertThatThrownBy(() -> CommandBuilders.connectData(id, 1, "x".repeat(257), "h")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String ascii(ByteBuffer b, int off) {
        byte[] a = new byte[256];
        b.get(off, a);
        return Bytes.ascii(a, 0, 256);
    }

    @Test
    void properties() {
        ByteBuffer g = le(CommandBuilders.propertyGet(CommandBuilders.PROP_CAP, true));
        assertThat(g.get(4)).isEqualTo((byte) 0x04);
        assertThat(g.get(40)).as("ATTRIB 8 bytes").isEqualTo((byte) 1);
        assertThat(g.getInt(44)).as("OFST").isZero();
        ByteBuffer g4 = le(CommandBuilders.propertyGet(CommandBuilders.PROP_CSTS, false));
        assertThat(g4.get(40)).isZero();
        assertThat(g4.getInt(44)).isEqualTo(0x1C);
        ByteBuffer s = le(CommandBuilders.propertySet(CommandBuilders.PROP_CC, 0x460001L, false));
        assertThat(s.get(4)).isEqualTo((byte) 0x00);
        assertThat(s.get(40)).isZero();
        assertThat(s.getInt(44)).isEqualTo(0x14);
        assertThat(s.getLong(48)).as("VALUE").isEqualTo(0x460001L);
        assertThat(le(CommandBuilders.disconnect()).get(4)).isEqualTo((byte) 0x08);
    }

    @Test
    void identify() {
        ByteBuffer b = le(CommandBuilders.identify(Opcodes.CNS_NS_DESCRIPTORS, 5, 0x1234));
        assertThat(b.get(0)).isEqualTo((byte) 0x06);
        assertThat(b.getInt(4)).as("NSID").isEqualTo(5);
        assertThat(b.getInt(40)).as("CDW10 = CNS | CNTID<<16").isEqualTo(0x12340003);
    }

    @Test
    void getLogPage() {
        ByteBuffer b = le(CommandBuilders.getLogPage(0x70, 0x5, true, 0x1_0000_0400L, 0x40000 * 4 + 4096, 0xFFFFFFFF));
        assertThat(b.get(0)).isEqualTo((byte) 0x02);
        assertThat(b.getInt(4)).isEqualTo(0xFFFFFFFF);
        int numd = 0x40000 + 1024 - 1;
        int cdw10 = b.getInt(40);
        assertThat(cdw10 & 0xFF).as("LID").isEqualTo(0x70);
        assertThat(cdw10 >> 8 & 0x7F).as("LSP").isEqualTo(5);
        assertThat(cdw10 >>> 15 & 1).as("RAE").isEqualTo(1);
        assertThat(cdw10 >>> 16).as("NUMDL").isEqualTo(numd & 0xFFFF);
        assertThat(b.getInt(44) & 0xFFFF).as("NUMDU").isEqualTo(numd >>> 16);
        assertThat(b.getInt(48)).as("LPOL").isEqualTo(0x400);
        assertThat(b.getInt(52)).as("LPOU").isEqualTo(1);
        ByteBuffer h = le(CommandBuilders.getLogPage(0x70, 0, false, 0, 1024, 0));
        assertThat(h.getInt(40)).isEqualTo(0x70 | 255 << 16);
        assertThatThrownBy(() -> CommandBuilders.getLogPage(1, 0, false, 0, 6, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandBuilders.getLogPage(1, 0, false, 2, 8, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void features() {
        ByteBuffer s = le(CommandBuilders.setFeatures(Opcodes.FEAT_KEEP_ALIVE_TIMER, 5000, true));
        assertThat(s.get(0)).isEqualTo((byte) 0x09);
        assertThat(s.getInt(40)).isEqualTo(0x0F | 1 << 31);
        assertThat(s.getInt(44)).isEqualTo(5000);
        ByteBuffer g = le(CommandBuilders.getFeatures(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 3, 7));
        assertThat(g.get(0)).isEqualTo((byte) 0x0A);
        assertThat(g.getInt(40)).isEqualTo(0x06 | 3 << 8);
        assertThat(g.getInt(44)).isEqualTo(7);
        ByteBuffer q = le(CommandBuilders.setNumberOfQueues(4));
        assertThat(q.getInt(40)).isEqualTo(0x07);
        assertThat(q.getInt(44)).isEqualTo(3 | 3 << 16);
        assertThat(le(CommandBuilders.asyncEventRequest()).get(0)).isEqualTo((byte) 0x0C);
        assertThat(le(CommandBuilders.keepAlive()).get(0)).isEqualTo((byte) 0x18);
    }

    @Test
    void readWrite() {
        ByteBuffer r = le(CommandBuilders.read(1, 0x123456789AL, 256));
        assertThat(r.get(0)).isEqualTo((byte) 0x02);
        assertThat(r.getInt(4)).isEqualTo(1);
        assertThat(r.getLong(40)).as("SLBA").isEqualTo(0x123456789AL);
        assertThat(r.getInt(48)).as("CDW12 NLB 0's based").isEqualTo(255);
        ByteBuffer w = le(CommandBuilders.write(2, 7, 65536, true));
        assertThat(w.get(0)).isEqualTo((byte) 0x01);
        assertThat(w.getInt(48)).isEqualTo(0xFFFF | 1 << 30);
        assertThat(CommandBuilders.write(2, 7, 8, true).fua()).isTrue();
        assertThatThrownBy(() -> CommandBuilders.read(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandBuilders.read(1, 0, 65537)).isInstanceOf(IllegalArgumentException.class);
        ByteBuffer f = le(CommandBuilders.flush(0xFFFFFFFF));
        assertThat(f.get(0)).isZero();
        assertThat(f.getInt(4)).isEqualTo(-1);
    }

    @Test
    void writeZeroesAndDsm() {
        ByteBuffer z = le(CommandBuilders.writeZeroes(1, 100, 8, true));
        assertThat(z.get(0)).isEqualTo((byte) 0x08);
        assertThat(z.getLong(40)).isEqualTo(100);
        assertThat(z.getInt(48)).isEqualTo(7 | 1 << 25);
        ByteBuffer d = le(CommandBuilders.datasetManagement(1, 2, true));
        assertThat(d.get(0)).isEqualTo((byte) 0x09);
        assertThat(d.getInt(40)).as("NR 0's based").isEqualTo(1);
        assertThat(d.getInt(44)).as("AD").isEqualTo(4);
        ByteBuffer r = CommandBuilders.dsmRanges(List.of(new DsmRange(0x1122334455L, 16), new DsmRange(9, 1, 0xAB))).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(r.remaining()).isEqualTo(32);
        assertThat(r.getInt(0)).isZero();
        assertThat(r.getInt(4)).isEqualTo(16);
        assertThat(r.getLong(8)).isEqualTo(0x1122334455L);
        assertThat(r.getInt(16)).isEqualTo(0xAB);
        assertThat(r.getInt(20)).isEqualTo(1);
        assertThat(r.getLong(24)).isEqualTo(9);
        assertThatThrownBy(() -> CommandBuilders.datasetManagement(1, 257, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytesAsciiStripsPadding() {
        byte[] b = "  SN123   \0\0garbage".getBytes(StandardCharsets.US_ASCII);
        assertThat(Bytes.ascii(b, 0, b.length)).isEqualTo("SN123");
    }
}
