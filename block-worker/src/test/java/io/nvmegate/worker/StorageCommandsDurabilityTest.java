package io.nvmegate.worker;

import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.storage.BlockStore;
import io.nvmegate.storage.RocksDbBlockStore;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability contract per command (NVMe Base 2.0 sections 6.8 Flush, 6.15 Write FUA; NVM Command Set 1.0
 * sections 3.2.3 Write, 3.2.8 Write Zeroes, 3.2.2 Dataset Management) of {@link StorageCommands} on a real RocksDB
 * store, through two simulated crashes:
 * <ul>
 *   <li><b>power loss</b> (machine crash: the OS page cache is lost): what is on stable storage is the database
 *       directory as it was when the store last returned from a WAL sync ({@link PowerLossImage}: a copy of the
 *       directory taken right after every {@link BlockStore#flush()} and every synced write); the crash image is that
 *       copy, reopened with RocksDB (WAL replay). A command acknowledged with FUA, or followed by an acknowledged
 *       Flush, must be in it.</li>
 *   <li><b>process crash</b> (kill -9): the directory as it is now (every change acknowledged went through
 *       {@code write(2)} into the WAL file), copied while the store is open and reopened. Every acknowledged command
 *       must be in it, FUA or not.</li>
 * </ul>
 * Each case starts from 16 blocks of data made durable by a Flush, runs one command on blocks 4..7 through
 * {@link StorageCommands#execute} and reads blocks 0..15 from the crash images. Without the worker's flush after a
 * FUA Write Zeroes, {@link #writeZeroesWithFuaSurvivesPowerLoss} fails (blocks 4..7 hold the old data).
 */
class StorageCommandsDurabilityTest {
    static final UUID NS = UUID.fromString("5b8e2f8a-6c1d-4d7e-9a3b-2c4d5e6f7a8b");
    static final int BS = 4096;
    static final int BLOCKS = 16;
    static final long SLBA = 4;
    static final int NLB = 4;

    @TempDir
    Path dir;

    private PowerLossImage store;
    private final StorageCommands commands = new StorageCommands();

    @BeforeEach
    void baseline() {
        store = new PowerLossImage(dir.resolve("db"), dir.resolve("stable"));
        store.write(NS, BS, 0, BLOCKS, data(BLOCKS, 1), false);
        store.flush();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void writeWithFuaSurvivesPowerLoss() {
        run(BlockRequest.write(NS, BS, SLBA, NLB, true, data(NLB, 2)));
        assertRange(powerLoss(), data(NLB, 2));
        assertRange(processCrash(), data(NLB, 2));
    }

    @Test
    void writeWithoutFuaSurvivesProcessCrashOnly() {
        run(BlockRequest.write(NS, BS, SLBA, NLB, false, data(NLB, 2)));
        assertRange(processCrash(), data(NLB, 2));
        assertRange(powerLoss(), baselineRange()); // not durable on stable storage until a Flush
    }

    @Test
    void writeThenFlushSurvivesPowerLoss() {
        run(BlockRequest.write(NS, BS, SLBA, NLB, false, data(NLB, 2)));
        run(BlockRequest.flush(NS));
        assertRange(powerLoss(), data(NLB, 2));
    }

    @Test
    void writeZeroesWithFuaSurvivesPowerLoss() {
        run(BlockRequest.writeZeroes(NS, BS, SLBA, NLB, true));
        assertRange(powerLoss(), zeroes(NLB));
        assertRange(processCrash(), zeroes(NLB));
    }

    @Test
    void writeZeroesWithoutFuaSurvivesProcessCrashThenFlushPowerLoss() {
        run(BlockRequest.writeZeroes(NS, BS, SLBA, NLB, false));
        assertRange(processCrash(), zeroes(NLB));
        assertRange(powerLoss(), baselineRange());
        run(BlockRequest.flush(NS));
        assertRange(powerLoss(), zeroes(NLB));
    }

    @Test
    void deallocateWithWriteCacheDisabledSurvivesPowerLoss() {
        run(BlockRequest.deallocate(NS, BS, new long[] {SLBA, NLB}, true));
        assertRange(powerLoss(), zeroes(NLB));
    }

    @Test
    void deallocateSurvivesProcessCrashThenFlushPowerLoss() {
        run(BlockRequest.deallocate(NS, BS, new long[] {SLBA, NLB}));
        assertRange(processCrash(), zeroes(NLB));
        assertRange(powerLoss(), baselineRange());
        run(BlockRequest.flush(NS));
        assertRange(powerLoss(), zeroes(NLB));
    }

    @Test
    void compareAndWriteWithFuaSurvivesPowerLoss() {
        Buffer both = Buffer.buffer().appendBuffer(baselineRange()).appendBuffer(data(NLB, 3));
        run(BlockRequest.compareAndWrite(NS, BS, SLBA, NLB, true, both));
        assertRange(powerLoss(), data(NLB, 3));
    }

    private void run(BlockRequest r) {
        assertThat(commands.execute(store, r).status()).as("%s", r.op()).isZero();
    }

    /** Reopens the stable-storage image (the directory at the last WAL sync) and reads every block. */
    private Buffer powerLoss() {
        return readAll(store.stable);
    }

    /** Reopens a copy of the directory as it is now (every acknowledged change is in the WAL file). */
    private Buffer processCrash() {
        Path now = dir.resolve("now-" + System.nanoTime());
        PowerLossImage.copy(store.db, now);
        return readAll(now);
    }

    private Buffer readAll(Path image) {
        Path copy = dir.resolve("reopen-" + System.nanoTime()); // a fresh copy: reopening replays and rewrites it
        PowerLossImage.copy(image, copy);
        try (RocksDbBlockStore reopened = new RocksDbBlockStore(copy)) {
            return reopened.read(NS, BS, 0, BLOCKS);
        }
    }

    /** Blocks outside [SLBA, SLBA + NLB) hold the baseline; blocks inside hold {@code expected}. */
    private static void assertRange(Buffer all, Buffer expected) {
        Buffer base = data(BLOCKS, 1);
        int from = (int) SLBA * BS, to = from + NLB * BS;
        assertThat(describe(all.getBuffer(from, to))).as("blocks %d..%d after the crash", SLBA, SLBA + NLB - 1)
                .isEqualTo(describe(expected));
        assertThat(Arrays.equals(all.getBytes(0, from), base.getBytes(0, from))).as("blocks before, unchanged").isTrue();
        assertThat(Arrays.equals(all.getBytes(to, BLOCKS * BS), base.getBytes(to, BLOCKS * BS))).as("blocks after, unchanged").isTrue();
    }

    /** @return what {@code range} (NLB blocks) holds: "zeroes", "the data before the command", "data seed N" or "other" */
    private static String describe(Buffer range) {
        byte[] b = range.getBytes();
        if (Arrays.equals(b, zeroes(NLB).getBytes())) return "zeroes";
        if (Arrays.equals(b, baselineRange().getBytes())) return "the data before the command";
        for (int seed = 2; seed <= 3; seed++) if (Arrays.equals(b, data(NLB, seed).getBytes())) return "data seed " + seed;
        return "other";
    }

    private static Buffer baselineRange() {
        return data(BLOCKS, 1).getBuffer((int) SLBA * BS, (int) (SLBA + NLB) * BS);
    }

    private static Buffer data(int nlb, int seed) {
        byte[] b = new byte[nlb * BS];
        new SplittableRandom(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    private static Buffer zeroes(int nlb) {
        return Buffer.buffer(new byte[nlb * BS]);
    }

    /**
     * A {@link RocksDbBlockStore} that keeps, in {@code stable}, a copy of its directory taken right after each
     * return from a WAL sync ({@link #flush()}, a write with {@code sync}): the state of stable storage a power loss
     * would leave (the WAL and MANIFEST as far as fsynced; nothing written later). RocksDB's LOCK and info LOG
     * files are not copied.
     */
    static final class PowerLossImage implements BlockStore {
        final Path db;
        final Path stable;
        private final RocksDbBlockStore store;

        PowerLossImage(Path db, Path stable) {
            this.db = db;
            this.stable = stable;
            this.store = new RocksDbBlockStore(db);
            copy(db, stable);
        }

        @Override
        public Buffer read(UUID ns, int blockSize, long slba, int nlb) { return store.read(ns, blockSize, slba, nlb); }

        @Override
        public void write(UUID ns, int blockSize, long slba, int nlb, Buffer data, boolean sync) {
            store.write(ns, blockSize, slba, nlb, data, sync);
            if (sync) copy(db, stable);
        }

        @Override
        public void writeZeroes(UUID ns, int blockSize, long slba, int nlb) { store.writeZeroes(ns, blockSize, slba, nlb); }

        @Override
        public void deallocate(UUID ns, int blockSize, long[] ranges) { store.deallocate(ns, blockSize, ranges); }

        @Override
        public void flush() {
            store.flush();
            copy(db, stable);
        }

        @Override
        public void close() { store.close(); }

        /** Replaces {@code to} with a copy of the files of {@code from} (without LOCK and LOG*). */
        static void copy(Path from, Path to) {
            try {
                if (Files.exists(to)) {
                    try (Stream<Path> s = Files.walk(to)) {
                        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
                Files.createDirectories(to);
                try (Stream<Path> s = Files.list(from)) {
                    for (Path f : (Iterable<Path>) s::iterator) {
                        String n = f.getFileName().toString();
                        if (n.equals("LOCK") || n.startsWith("LOG") || !Files.isRegularFile(f)) continue;
                        Files.copy(f, to.resolve(n), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
