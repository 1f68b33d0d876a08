package io.nvmegate.discovery;

import io.nvmegate.catalog.PortSpec;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import io.nvmegate.testkit.RawNvmeTcpHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.nvmegate.discovery.DiscoveryFixture.ALLOWED_HOST;
import static io.nvmegate.discovery.DiscoveryFixture.NQN_A;
import static io.nvmegate.discovery.DiscoveryFixture.NQN_B;
import static io.nvmegate.discovery.DiscoveryFixture.PORT_1;
import static io.nvmegate.discovery.DiscoveryFixture.PORT_2;
import static io.nvmegate.discovery.DiscoveryFixture.RESTRICTED_NQN;
import static io.nvmegate.discovery.DiscoveryFixture.ascii;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Discovery log page (LID 70h; NVMe Base 2.0 section 5.16.1.23, NVMe-oF 1.1 Figures 38/39) read over a real
 * socket from a {@link DiscoveryService}, checked byte by byte against the catalog of {@link DiscoveryFixture}:
 * header GENCTR le64 @0, NUMREC le64 @8, RECFMT le16 @16; 1024-byte entries from 1024 with TRTYPE @0, ADRFAM @1,
 * SUBTYPE @2, TREQ @3, PORTID le16 @4, CNTLID le16 @6, ASQSZ le16 @8, EFLAGS le16 @10, TRSVCID @32 (32 bytes),
 * SUBNQN @256, TRADDR @512 (256 bytes each), TSAS SECTYPE @768. Also LPO (a read from an offset) and GENCTR
 * following a catalog change.
 */
class DiscoveryLogPageTest {
    @RegisterExtension
    static final DiscoveryFixture target = new DiscoveryFixture();

    /** One entry as parsed from the wire. */
    record Entry(int trtype, int adrfam, int subtype, int treq, int portId, int cntlid, int asqsz, int eflags,
                 String trsvcid, String subnqn, String traddr, int sectype) {
        static Entry at(ByteBuffer b, int o) {
            return new Entry(b.get(o) & 0xFF, b.get(o + 1) & 0xFF, b.get(o + 2) & 0xFF, b.get(o + 3) & 0xFF,
                    b.getShort(o + 4) & 0xFFFF, b.getShort(o + 6) & 0xFFFF, b.getShort(o + 8) & 0xFFFF,
                    b.getShort(o + 10) & 0xFFFF, ascii(b, o + 32, 32), ascii(b, o + 256, 256), ascii(b, o + 512, 256),
                    b.get(o + 768) & 0xFF);
        }
    }

    /** A whole page as parsed from the wire. */
    record Page(long genctr, long numrec, int recfmt, List<Entry> entries, byte[] raw) {
        static Page parse(byte[] raw) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long n = b.getLong(8);
            List<Entry> e = new ArrayList<>();
            for (int i = 0; i < n && 1024 + (i + 1) * 1024 <= raw.length; i++) e.add(Entry.at(b, 1024 + i * 1024));
            return new Page(b.getLong(0), n, b.getShort(16) & 0xFFFF, e, raw);
        }
    }

    /** Connects {@code host} to the well-known discovery NQN and reads the header, then the whole page. */
    static Page read(RawNvmeTcpHost host) throws Exception {
        host.handshake();
        host.adminQueue(Opcodes.DISCOVERY_NQN);
        RawNvmeTcpHost.Completion header = host.execute(host.getLogPage(Opcodes.LOG_DISCOVERY, 1024, 0), null);
        assertThat(header.status()).isEqualTo(Status.SUCCESS);
        long n = header.le().getLong(8);
        RawNvmeTcpHost.Completion all = host.execute(host.getLogPage(Opcodes.LOG_DISCOVERY, (int) (1024 + n * 1024), 0), null);
        assertThat(all.status()).isEqualTo(Status.SUCCESS);
        assertThat(Arrays.copyOf(all.data(), 1024)).as("same header in both reads").isEqualTo(header.data());
        return Page.parse(all.data());
    }

    @Test
    void headerAndEntriesAtTheirOffsets() throws Exception {
        Page p;
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(target.port())) {
            p = read(h);
        }
        assertThat(p.genctr()).as("GENCTR: the catalog generation").isEqualTo(target.catalog.current().generation());
        assertThat(p.recfmt()).as("RECFMT").isZero();
        assertThat(p.numrec()).as("NUMREC: itself, 2 on port 1, 1 on port 2").isEqualTo(4);
        assertThat(p.raw()).hasSize(1024 + 4 * 1024);

        Entry self = p.entries().get(0);
        assertThat(self.subtype()).as("SUBTYPE 3: current discovery subsystem, first").isEqualTo(3);
        assertThat(self.subnqn()).isEqualTo(Opcodes.DISCOVERY_NQN);
        assertThat(self.trsvcid()).isEqualTo(Integer.toString(target.port()));
        assertThat(self.traddr()).isEqualTo("127.0.0.1");
        assertThat(self.eflags()).as("EFLAGS: DUPRETINFO | EPCSD").isEqualTo(0b11);

        for (Entry e : p.entries()) {
            assertThat(e.trtype()).as("TRTYPE TCP").isEqualTo(3);
            assertThat(e.adrfam()).as("ADRFAM IPv4").isEqualTo(1);
            assertThat(e.treq() & 0b11).as("TREQ secure channel: not specified").isZero();
            assertThat(e.treq() & 0b100).as("TREQ bit 2: SQ flow control disable supported").isNotZero();
            assertThat(e.cntlid()).as("CNTLID FFFFh: dynamic").isEqualTo(0xFFFF);
            assertThat(e.asqsz()).as("ASQSZ").isEqualTo(32);
            assertThat(e.sectype()).as("TSAS SECTYPE: none").isZero();
        }
        List<String> nvm = p.entries().stream().filter(e -> e.subtype() == 2)
                .map(e -> e.portId() + " " + e.trsvcid() + " " + e.traddr() + " " + e.subnqn() + " " + e.eflags()).toList();
        assertThat(nvm).containsExactlyInAnyOrder(
                "1 " + PORT_1 + " 127.0.0.1 " + NQN_A + " 0",
                "1 " + PORT_1 + " 127.0.0.1 " + NQN_B + " 0",
                "2 " + PORT_2 + " 127.0.0.1 " + NQN_B + " 0");
    }

    @Test
    void aRestrictedSubsystemIsListedOnlyForItsHosts() throws Exception {
        try (RawNvmeTcpHost other = RawNvmeTcpHost.connect(target.port());
             RawNvmeTcpHost allowed = RawNvmeTcpHost.connect(target.port(), RawNvmeTcpHost.Options.defaults().hostNqn(ALLOWED_HOST))) {
            assertThat(read(other).entries()).extracting(Entry::subnqn).doesNotContain(RESTRICTED_NQN);
            Page p = read(allowed);
            assertThat(p.numrec()).isEqualTo(5);
            assertThat(p.entries()).filteredOn(e -> e.subnqn().equals(RESTRICTED_NQN))
                    .extracting(Entry::portId).containsExactly(1); // port 2 exports only NQN_B
        }
    }

    @Test
    void aReadAtAnOffsetReturnsThatPartOfThePage() throws Exception {
        try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(target.port())) {
            Page whole = read(h);
            RawNvmeTcpHost.Completion second = h.execute(h.getLogPage(Opcodes.LOG_DISCOVERY, 1024, 2048), null);
            assertThat(second.status()).isEqualTo(Status.SUCCESS);
            assertThat(second.data()).as("LPO 2048: entry 1").isEqualTo(Arrays.copyOfRange(whole.raw(), 2048, 3072));
        }
    }

    @Test
    void genctrAndEntriesFollowTheCatalog() throws Exception {
        long before = target.catalog.current().generation();
        PortSpec third = new PortSpec(3, "ipv4", "127.0.0.1", 4422, "198.51.100.7", null, List.of(NQN_A));
        target.catalog.catalog().putPort(third);
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (target.catalog.current().generation() == before && System.nanoTime() < deadline) Thread.sleep(20);
            try (RawNvmeTcpHost h = RawNvmeTcpHost.connect(target.port())) {
                Page p = read(h);
                assertThat(p.genctr()).isGreaterThan(before).isEqualTo(target.catalog.current().generation());
                assertThat(p.numrec()).isEqualTo(5);
                assertThat(p.entries()).filteredOn(e -> e.portId() == 3).singleElement().satisfies(e -> {
                    assertThat(e.subnqn()).isEqualTo(NQN_A);
                    assertThat(e.trsvcid()).isEqualTo("4422");
                    assertThat(e.traddr()).as("the advertised address").isEqualTo("198.51.100.7");
                });
            }
        } finally {
            target.catalog.catalog().removePort(3);
        }
    }
}
