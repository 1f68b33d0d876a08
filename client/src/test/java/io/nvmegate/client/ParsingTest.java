package io.nvmegate.client;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing of controller data structures built by hand at the spec offsets. */
class ParsingTest {

    private static void ascii(ByteBuffer b, int off, String s, byte pad, int len) {
        byte[] a = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) b.put(off + i, i < a.length ? a[i] : pad);
    }

    @Test
    void identifyController() {
        byte[] raw = new byte[4096];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 0x1B36).putShort(2, (short) 0x1AF4);
        ascii(b, 4, "SN-42", (byte) ' ', 20);
        ascii(b, 24, "nvmegate", (byte) ' ', 40);
        ascii(b, 64, "1.0", (byte) ' ', 8);
        b.put(76, (byte) 0x0B).put(77, (byte) 5).putShort(78, (short) 0x1234).putInt(80, 0x00010400);
        b.putInt(92, 0x900).putInt(96, 0x41).put(111, (byte) 1);
        b.putShort(256, (short) 0x8).put(259, (byte) 3).put(261, (byte) 7).putShort(320, (short) 10);
        b.put(512, (byte) 0x66).put(513, (byte) 0x44).putShort(514, (short) 128).putInt(516, 1024);
        b.putShort(520, (short) 0x2C).put(525, (byte) 1).putInt(536, 0x100001).putInt(540, 1024);
        ascii(b, 768, "nqn.2024-01.io.nvmegate:sub", (byte) 0, 256);
        b.putInt(1792, 68).putInt(1796, 1).putShort(1800, (short) 0).put(1802, (byte) 0).put(1803, (byte) 1);

        IdentifyController c = IdentifyController.parse(raw);
        assertThat(c.vid()).isEqualTo(0x1B36);
        assertThat(c.ssvid()).isEqualTo(0x1AF4);
        assertThat(c.sn()).isEqualTo("SN-42");
        assertThat(c.mn()).isEqualTo("nvmegate");
        assertThat(c.fr()).isEqualTo("1.0");
        assertThat(c.cmic()).isEqualTo(0x0B);
        assertThat(c.mdts()).isEqualTo(5);
        assertThat(c.cntlid()).isEqualTo(0x1234);
        assertThat(c.ver()).isEqualTo(0x00010400);
        assertThat(c.oaes()).isEqualTo(0x900);
        assertThat(c.ctratt()).isEqualTo(0x41);
        assertThat(c.cntrltype()).isEqualTo(1);
        assertThat(c.oacs()).isEqualTo(8);
        assertThat(c.aerl()).isEqualTo(3);
        assertThat(c.lpa()).isEqualTo(7);
        assertThat(c.kas()).isEqualTo(10);
        assertThat(c.sqes()).isEqualTo(0x66);
        assertThat(c.cqes()).isEqualTo(0x44);
        assertThat(c.maxcmd()).isEqualTo(128);
        assertThat(c.nn()).isEqualTo(1024);
        assertThat(c.oncs()).isEqualTo(0x2C);
        assertThat(c.vwc()).isEqualTo(1);
        assertThat(c.sgls()).isEqualTo(0x100001);
        assertThat(c.mnan()).isEqualTo(1024);
        assertThat(c.subnqn()).isEqualTo("nqn.2024-01.io.nvmegate:sub");
        assertThat(c.ioccsz()).isEqualTo(68);
        assertThat(c.ioInCapsuleDataSize()).isEqualTo(68 * 16 - 64);
        assertThat(c.iorcsz()).isEqualTo(1);
        assertThat(c.icdoff()).isZero();
        assertThat(c.msdbd()).isEqualTo(1);
        assertThat(c.maxDataTransferBytes(0)).isEqualTo(32 * 4096);
        assertThat(c.raw()).isSameAs(raw);
        assertThatThrownBy(() -> IdentifyController.parse(new byte[100])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void identifyNamespace() {
        byte[] raw = new byte[4096];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, 1L << 33).putLong(8, 1L << 32).putLong(16, 12345);
        b.put(25, (byte) 1).put(26, (byte) 1).put(30, (byte) 1).put(31, (byte) 0x7F).putInt(92, 3);
        for (int i = 0; i < 16; i++) b.put(104 + i, (byte) i);
        for (int i = 0; i < 8; i++) b.put(120 + i, (byte) (0xE0 + i));
        b.put(128 + 2, (byte) 9);                           // LBAF0: 512 B
        b.putShort(132, (short) 8).put(132 + 2, (byte) 12); // LBAF1: 4096 B, 8 B metadata
        IdentifyNamespace n = IdentifyNamespace.parse(raw);
        assertThat(n.nsze()).isEqualTo(1L << 33);
        assertThat(n.ncap()).isEqualTo(1L << 32);
        assertThat(n.nuse()).isEqualTo(12345);
        assertThat(n.nlbaf()).isEqualTo(1);
        assertThat(n.flbas()).isEqualTo(1);
        assertThat(n.nmic()).isEqualTo(1);
        assertThat(n.rescap()).isEqualTo(0x7F);
        assertThat(n.anagrpid()).isEqualTo(3);
        assertThat(n.lbads()).isEqualTo(12);
        assertThat(n.blockSize()).isEqualTo(4096);
        assertThat(n.ms()).isEqualTo(8);
        assertThat(n.sizeBytes()).isEqualTo((1L << 33) * 4096);
        assertThat(n.nguid()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(n.eui64()).containsExactly(0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7);
        assertThat(n.active()).isTrue();

        IdentifyNamespace inactive = IdentifyNamespace.parse(new byte[4096]);
        assertThat(inactive.active()).isFalse();
        assertThat(inactive.blockSize()).isZero();
    }

    @Test
    void flbasHighBitsSelectFormatsAbove15() {
        byte[] raw = new byte[4096];
        raw[26] = (byte) (0x02 | 1 << 5); // format index 0x12 = 18
        raw[128 + 18 * 4 + 2] = 13;
        assertThat(IdentifyNamespace.parse(raw).blockSize()).isEqualTo(8192);
    }

    @Test
    void activeNamespaceList() {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1).putInt(4, 2).putInt(8, 0x10).putInt(16, 99);
        assertThat(NvmeController.parseNsidList(b.array())).containsExactly(1, 2, 16);
        assertThat(NvmeController.parseNsidList(new byte[4096])).isEmpty();
    }

    @Test
    void namespaceDescriptors() {
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.put(0, (byte) 1).put(1, (byte) 8);
        for (int i = 0; i < 8; i++) b.put(4 + i, (byte) (0x10 + i));
        b.put(12, (byte) 3).put(13, (byte) 16);
        for (int i = 0; i < 16; i++) b.put(16 + i, (byte) (0x20 + i));
        b.put(32, (byte) 4).put(33, (byte) 1).put(36, (byte) 0);
        List<NamespaceDescriptor> l = NvmeController.parseDescriptors(b.array());
        assertThat(l).hasSize(3);
        assertThat(l.get(0).nidt()).isEqualTo(NamespaceDescriptor.EUI64);
        assertThat(l.get(0).value()).hasSize(8).startsWith(0x10, 0x11);
        assertThat(l.get(1).nidt()).isEqualTo(NamespaceDescriptor.UUID);
        assertThat(l.get(1).value()).hasSize(16).endsWith(0x2F);
        assertThat(l.get(2)).isEqualTo(new NamespaceDescriptor(NamespaceDescriptor.CSI, new byte[] {0}));
        // A descriptor running past the end is ignored.
        ByteBuffer t = ByteBuffer.allocate(8);
        t.put(0, (byte) 2).put(1, (byte) 16);
        assertThat(NvmeController.parseDescriptors(t.array())).isEmpty();
    }

    @Test
    void discoveryLog() {
        byte[] page = new byte[1024 + 2 * 1024];
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, 77).putLong(8, 2).putShort(16, (short) 0);
        for (int i = 0; i < 2; i++) {
            int e = 1024 + i * 1024;
            b.put(e, (byte) 3).put(e + 1, (byte) 1).put(e + 2, (byte) (i == 0 ? 3 : 2)).put(e + 3, (byte) 0x06);
            b.putShort(e + 4, (short) (10 + i)).putShort(e + 6, (short) 0xFFFF).putShort(e + 8, (short) 32).putShort(e + 10, (short) 3);
            ascii(b, e + 32, i == 0 ? "8009" : "4420", (byte) ' ', 32);
            ascii(b, e + 256, i == 0 ? "nqn.2014-08.org.nvmexpress.discovery" : "nqn.2024-01.io.nvmegate:a", (byte) 0, 256);
            ascii(b, e + 512, "10.0.0." + i, (byte) ' ', 256);
            b.put(e + 768, (byte) 0);
        }
        DiscoveryLog log = DiscoveryLog.parse(page);
        assertThat(log.genctr()).isEqualTo(77);
        assertThat(log.recfmt()).isZero();
        assertThat(log.entries()).hasSize(2);
        DiscoveryLogEntry d = log.entries().get(0);
        assertThat(d.trtype()).isEqualTo(DiscoveryLogEntry.TRTYPE_TCP);
        assertThat(d.adrfam()).isEqualTo(1);
        assertThat(d.subtype()).isEqualTo(DiscoveryLogEntry.SUBTYPE_CURRENT_DISCOVERY);
        assertThat(d.treq()).isEqualTo(6);
        assertThat(d.portid()).isEqualTo(10);
        assertThat(d.cntlid()).isEqualTo(0xFFFF);
        assertThat(d.asqsz()).isEqualTo(32);
        assertThat(d.eflags()).isEqualTo(3);
        assertThat(d.trsvcid()).isEqualTo("8009");
        assertThat(d.port()).isEqualTo(8009);
        assertThat(d.subnqn()).isEqualTo("nqn.2014-08.org.nvmexpress.discovery");
        assertThat(d.traddr()).isEqualTo("10.0.0.0");
        assertThat(d.tsas()).hasSize(256);
        DiscoveryLogEntry e = log.entries().get(1);
        assertThat(e.subtype()).isEqualTo(DiscoveryLogEntry.SUBTYPE_NVM);
        assertThat(e.subnqn()).isEqualTo("nqn.2024-01.io.nvmegate:a");
        assertThat(e.traddr()).isEqualTo("10.0.0.1");
        assertThat(e.port()).isEqualTo(4420);

        b.putLong(8, 3); // NUMREC larger than the page
        assertThatThrownBy(() -> DiscoveryLog.parse(page)).isInstanceOf(IllegalArgumentException.class);
    }
}
