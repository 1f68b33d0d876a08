package io.nvmegate.storage;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random sequences of writes / write-zeroes / deallocates / reads / flushes / reopens on several
 * namespaces, checked against an in-memory model (block contents and which blocks are stored at all).
 */
class RocksDbBlockStoreModelTest {
    @TempDir
    Path dir;

    /** In-memory model of one namespace. */
    static final class Model {
        final UUID ns;
        final int bs;
        final int blocks;
        final byte[] data;
        final boolean[] stored;

        Model(UUID ns, int bs, int blocks) {
            this.ns = ns;
            this.bs = bs;
            this.blocks = blocks;
            this.data = new byte[bs * blocks];
            this.stored = new boolean[blocks];
        }

        void write(int slba, byte[] d) {
            System.arraycopy(d, 0, data, slba * bs, d.length);
            Arrays.fill(stored, slba, slba + d.length / bs, true);
        }

        void zero(int slba, int nlb) {
            Arrays.fill(data, slba * bs, (slba + nlb) * bs, (byte) 0);
            Arrays.fill(stored, slba, slba + nlb, false);
        }

        byte[] read(int slba, int nlb) { return Arrays.copyOfRange(data, slba * bs, (slba + nlb) * bs); }

        long storedCount() {
            long n = 0;
            for (boolean b : stored) if (b) n++;
            return n;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234, 0xC0FFEE, 987654321, -7})
    void randomOperationsMatchTheModel(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path dbDir = dir.resolve("rocksdb");
        // adjacent UUIDs on purpose; a small and a large block size
        List<Model> models = List.of(
                new Model(new UUID(seed, 1), 512, 300),
                new Model(new UUID(seed, 2), 4096, 80),
                new Model(new UUID(seed + 1, 0), 512, 50));
        RocksDbBlockStore store = new RocksDbBlockStore(dbDir);
        try {
            for (int step = 0; step < 600; step++) {
                Model m = models.get(rnd.nextInt(models.size()));
                int slba = rnd.nextInt(m.blocks);
                int nlb = 1 + rnd.nextInt(Math.min(m.blocks - slba, rnd.nextInt(4) == 0 ? 64 : 8));
                int op = rnd.nextInt(100);
                String what = "seed " + seed + " step " + step + " ns " + m.ns + " slba " + slba + " nlb " + nlb;
                if (op < 40) {
                    byte[] d = new byte[nlb * m.bs];
                    if (rnd.nextInt(10) != 0) rnd.nextBytes(d); // sometimes an all-zero write: still stored
                    store.write(m.ns, m.bs, slba, nlb, Buffer.buffer(d), rnd.nextInt(8) == 0);
                    m.write(slba, d);
                } else if (op < 52) {
                    store.writeZeroes(m.ns, m.bs, slba, nlb);
                    m.zero(slba, nlb);
                } else if (op < 64) {
                    int pairs = 1 + rnd.nextInt(4);
                    long[] ranges = new long[2 * pairs];
                    for (int p = 0; p < pairs; p++) {
                        int s = rnd.nextInt(m.blocks);
                        int n = rnd.nextInt(Math.min(m.blocks - s, 40) + 1); // may be 0
                        ranges[2 * p] = s;
                        ranges[2 * p + 1] = n;
                        m.zero(s, n);
                    }
                    store.deallocate(m.ns, m.bs, ranges);
                } else if (op < 94) {
                    assertThat(store.read(m.ns, m.bs, slba, nlb).getBytes()).as(what).isEqualTo(m.read(slba, nlb));
                } else if (op < 98) {
                    store.flush();
                } else {
                    store.close();
                    store = new RocksDbBlockStore(dbDir);
                }
            }
            for (int round = 0; round < 2; round++) {
                for (Model m : models) {
                    String what = "seed " + seed + " final ns " + m.ns;
                    assertThat(store.read(m.ns, m.bs, 0, m.blocks).getBytes()).as(what).isEqualTo(m.data);
                    assertThat(store.storedBlocks(m.ns)).as(what + " stored blocks").isEqualTo(m.storedCount());
                    List<Integer> mismatched = new ArrayList<>();
                    for (int lba = 0; lba < m.blocks; lba++) {
                        if (!Arrays.equals(store.read(m.ns, m.bs, lba, 1).getBytes(), m.read(lba, 1))) mismatched.add(lba);
                    }
                    assertThat(mismatched).as(what + " single-block reads").isEmpty();
                }
                store.close();
                store = new RocksDbBlockStore(dbDir);
            }
        } finally {
            store.close();
        }
    }
}
