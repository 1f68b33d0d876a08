package io.nvmegate.storage;

import io.vertx.core.buffer.Buffer;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Child process of {@link RocksDbBlockStoreCrashTest}: writes blocks, prints {@code DONE} and waits to be killed
 * with SIGKILL (the store is never closed). Args: dbDir, mode (plain | fua | flush).
 */
public final class CrashChild {
    static final UUID NS = UUID.fromString("0c2a3e51-5b5f-4f0e-8d0c-1b2a3c4d5e6f");
    static final int BS = 4096;
    static final int BLOCKS = 200;

    public static void main(String[] args) throws Exception {
        RocksDbBlockStore store = new RocksDbBlockStore(Path.of(args[0]));
        String mode = args[1];
        for (int lba = 0; lba < BLOCKS; lba++) {
            store.write(NS, BS, lba, 1, RocksDbBlockStoreTest.blocks(BS, 1, lba), mode.equals("fua"));
        }
        store.writeZeroes(NS, BS, 10, 20);
        store.deallocate(NS, BS, new long[] {50, 1, 60, 2});
        if (mode.equals("flush")) store.flush();
        System.out.println("DONE");
        System.out.flush();
        Thread.sleep(120_000);
        System.exit(3); // not reached: the test kills us
    }

    static boolean zeroed(int lba) { return (lba >= 10 && lba < 30) || lba == 50 || lba == 60 || lba == 61; }

    static Buffer expected(int lba) { return zeroed(lba) ? Buffer.buffer(new byte[BS]) : RocksDbBlockStoreTest.blocks(BS, 1, lba); }
}
