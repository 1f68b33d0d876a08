package io.nvmegate.replication;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The snapshot file of a replicated namespace's state machine (one file per snapshot, in Ratis's
 * {@code SimpleStateMachineStorage} directory, named {@code snapshot.<term>_<index>} with an {@code .md5} next to
 * it). It records the applied index the snapshot stands for and the small replicated state: reservations and the
 * request-ID dedupe. The blocks are NOT in it: they are the RocksDB state, whose applied index is stored, WAL
 * fsynced, before the file is written (so the database never lags a snapshot). For the null backend the file is
 * the whole state.
 *
 * <pre>
 * offset  size  field (big-endian)
 *  0      4     magic "NVRS"
 *  4      1     format version (1)
 *  5      16    namespace UUID msb, lsb
 * 21      8     term of the last applied entry
 * 29      8     log index of the last applied entry
 * 37      4     reservation state length R (-1: none)
 * 41      R     reservation state, {@code ReservationState.encode()} layout
 *  p      4     dedupe slot count N
 *  p+4    ...   N x {length L (4), slot value L bytes, {@link RequestDedupe} layout}
 * </pre>
 *
 * @param term         term of the last applied entry
 * @param index        log index of the last applied entry
 * @param reservations the reservation state, or null
 * @param dedupe       the remembered request IDs
 */
record NamespaceSnapshot(long term, long index, byte[] reservations, List<RequestDedupe.Slot> dedupe) {
    static final int MAGIC = 0x4E565253; // "NVRS"
    static final int VERSION = 1;

    /** Writes this snapshot of namespace {@code ns} to {@code out} (not closed). */
    void write(UUID ns, OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeByte(VERSION);
        d.writeLong(ns.getMostSignificantBits());
        d.writeLong(ns.getLeastSignificantBits());
        d.writeLong(term);
        d.writeLong(index);
        if (reservations == null) {
            d.writeInt(-1);
        } else {
            d.writeInt(reservations.length);
            d.write(reservations);
        }
        d.writeInt(dedupe.size());
        for (RequestDedupe.Slot e : dedupe) {
            byte[] v = RequestDedupe.encode(e);
            d.writeInt(v.length);
            d.write(v);
        }
        d.flush();
    }

    /**
     * Reads a snapshot of namespace {@code ns}.
     *
     * @throws IOException if the file is not such a snapshot, is of another namespace, or is truncated
     */
    static NamespaceSnapshot read(UUID ns, InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) throw new IOException("not a namespace snapshot (magic)");
        int v = d.readUnsignedByte();
        if (v != VERSION) throw new IOException("unknown namespace snapshot version " + v);
        UUID u = new UUID(d.readLong(), d.readLong());
        if (!u.equals(ns)) throw new IOException("snapshot of namespace " + u + ", expected " + ns);
        long term = d.readLong();
        long index = d.readLong();
        int r = d.readInt();
        byte[] res = null;
        if (r >= 0) {
            res = new byte[r];
            d.readFully(res);
        }
        int n = d.readInt();
        if (n < 0 || n > RequestDedupe.SLOTS) throw new IOException("dedupe count " + n);
        List<RequestDedupe.Slot> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int l = d.readInt();
            if (l < 0 || l > (1 << 20)) throw new IOException("dedupe slot length " + l);
            byte[] b = new byte[l];
            d.readFully(b);
            try {
                slots.add(RequestDedupe.decode(b));
            } catch (IllegalArgumentException e) {
                throw new IOException("dedupe slot " + i + ": " + e.getMessage(), e);
            }
        }
        return new NamespaceSnapshot(term, index, res, slots);
    }
}
