package io.nvmegate.replication;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.RequestId;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The snapshot file layout: round trip, and refusal of another namespace's or a damaged file. */
class NamespaceSnapshotTest {
    static final UUID NS = UUID.randomUUID();

    static byte[] bytes(NamespaceSnapshot s, UUID ns) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.write(ns, out);
        return out.toByteArray();
    }

    @Test
    void roundTrip() throws IOException {
        RequestDedupe.Slot slot = new RequestDedupe.Slot(12, new RequestId(UUID.randomUUID(), 3), BlockReply.status(0x285));
        NamespaceSnapshot s = new NamespaceSnapshot(4, 12, new byte[] {1, 0, 0, 0, 2}, List.of(slot));
        byte[] b = bytes(s, NS);
        assertThat(java.nio.ByteBuffer.wrap(b).getInt(0)).isEqualTo(NamespaceSnapshot.MAGIC);
        assertThat(java.nio.ByteBuffer.wrap(b).getLong(21)).as("term @21").isEqualTo(4);
        assertThat(java.nio.ByteBuffer.wrap(b).getLong(29)).as("index @29").isEqualTo(12);
        NamespaceSnapshot back = NamespaceSnapshot.read(NS, new ByteArrayInputStream(b));
        assertThat(back.term()).isEqualTo(4);
        assertThat(back.index()).isEqualTo(12);
        assertThat(back.reservations()).containsExactly(1, 0, 0, 0, 2);
        assertThat(back.dedupe()).hasSize(1);
        assertThat(back.dedupe().get(0).reply().status()).isEqualTo(0x285);

        NamespaceSnapshot none = NamespaceSnapshot.read(NS, new ByteArrayInputStream(bytes(new NamespaceSnapshot(1, 1, null, List.of()), NS)));
        assertThat(none.reservations()).isNull();
    }

    @Test
    void anotherNamespacesOrADamagedFileIsRefused() throws IOException {
        byte[] b = bytes(new NamespaceSnapshot(1, 2, null, List.of()), NS);
        assertThatThrownBy(() -> NamespaceSnapshot.read(UUID.randomUUID(), new ByteArrayInputStream(b))).hasMessageContaining("snapshot of namespace");
        byte[] bad = b.clone();
        bad[0] = 'X';
        assertThatThrownBy(() -> NamespaceSnapshot.read(NS, new ByteArrayInputStream(bad))).hasMessageContaining("magic");
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 2);
        assertThatThrownBy(() -> NamespaceSnapshot.read(NS, new ByteArrayInputStream(cut))).isInstanceOf(IOException.class);
    }
}
