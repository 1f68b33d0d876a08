package io.nvmegate.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The RocksDB keys of a replicated namespace's state-machine state, next to its blocks in the same database
 * ({@link RocksDbBlockStore}). Every key starts with the namespace's 16 UUID bytes and then {@code FFFFFFFFFFFFFFFFh}
 * where a block key has its LBA, so it sorts after every block key of the namespace (LBAs stay below 2^63): no
 * block read, range delete or scan touches it. Big-endian, compared bytewise.
 *
 * <pre>
 * key                                              size  value
 * UUID(16) | FF x 8 | "aidx"                       28    applied index: term u64 @0, log index u64 @8 (16 bytes)
 * UUID(16) | FF x 8 | "rrsv"                       28    reservation state, {@code ReservationState.encode()} layout
 *                                                        (absent = no registrants, no reservation, PTPL off)
 * UUID(16) | FF x 8 | "rqid" | slot u16            30    dedupe slot {@code slot = log index mod 4096}: log index
 *                                                        u64 @0, RequestId client msb u64 @8, lsb u64 @16, call
 *                                                        u64 @24, then the reply in {@code BlockCodecs} wire form @32
 * UUID(16) | FF x 8 | "resv"                       28    (RF 1 only) PTPL copy of the reservation state,
 *                                                        {@link RocksDbBlockStore#reservationKey}
 * </pre>
 * The applied index is the Raft log index (and its term) of the last entry whose effects are in the database: it
 * is written in the same {@code WriteBatch} as those effects, so after a crash the database holds exactly the
 * effects of entries up to it and Raft replays exactly the entries after it.
 */
public final class ReplicaStateKeys {
    private ReplicaStateKeys() {}

    /** Dedupe slots per namespace. */
    public static final int DEDUPE_SLOTS = 4096;

    private static byte[] key(UUID ns, String tag, int extra) {
        ByteBuffer b = ByteBuffer.allocate(RocksDbBlockStore.KEY_LEN + 4 + extra);
        b.putLong(ns.getMostSignificantBits()).putLong(ns.getLeastSignificantBits()).putLong(-1L)
                .put(tag.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** @return the 28-byte applied-index key of {@code ns} */
    public static byte[] appliedIndex(UUID ns) { return key(ns, "aidx", 0); }

    /** @return the 28-byte replicated reservation-state key of {@code ns} */
    public static byte[] reservation(UUID ns) { return key(ns, "rrsv", 0); }

    /** @return the 30-byte key of dedupe slot {@code slot} (0 .. {@value #DEDUPE_SLOTS} - 1) of {@code ns} */
    public static byte[] dedupe(UUID ns, int slot) {
        if (slot < 0 || slot >= DEDUPE_SLOTS) throw new IllegalArgumentException("dedupe slot " + slot);
        byte[] k = key(ns, "rqid", 2);
        k[28] = (byte) (slot >>> 8);
        k[29] = (byte) slot;
        return k;
    }

    /** @return the exclusive upper bound of the dedupe keys of {@code ns} (slot {@value #DEDUPE_SLOTS}) */
    public static byte[] dedupeEnd(UUID ns) {
        byte[] k = key(ns, "rqid", 2);
        k[28] = (byte) (DEDUPE_SLOTS >>> 8);
        k[29] = (byte) DEDUPE_SLOTS;
        return k;
    }

    /** @return the slot of a 30-byte dedupe key */
    public static int dedupeSlot(byte[] key) {
        return (key[28] & 0xFF) << 8 | (key[29] & 0xFF);
    }

    /** @return the 16-byte applied-index value: term, index */
    public static byte[] appliedIndexValue(long term, long index) {
        return ByteBuffer.allocate(16).putLong(term).putLong(index).array();
    }
}
