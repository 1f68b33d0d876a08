package io.nvmegate.replication;

import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.storage.ReplicaStateKeys;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * The request-ID dedupe of a replicated namespace, part of its replicated state: the first reply of each of the
 * request IDs of the last {@value ReplicaStateKeys#DEDUPE_SLOTS} Raft log entries. A log entry whose request ID is
 * here is not applied again: the first reply answers it (the gateway retried to a new leader after a failover).
 *
 * <p>Deterministic, bounded: an entry at log index {@code i} with a request ID takes slot
 * {@code i mod 4096}, evicting whatever that slot held, so every replica holds the same window after applying the
 * same log prefix. An entry without a request ID leaves its slot as it is. A slot is persisted as its own key
 * ({@link ReplicaStateKeys#dedupe}) in the {@code WriteBatch} of its entry; value layout, big-endian:
 * <pre>
 * offset  size  field
 *  0      8     log index of the entry
 *  8      8     RequestId client UUID msb
 * 16      8     RequestId client UUID lsb
 * 24      8     RequestId call
 * 32      ...   the first reply, {@link BlockCodecs} BlockReply wire form
 * </pre>
 * Not thread-safe: the state machine's apply thread owns it.
 */
final class RequestDedupe {
    static final int SLOTS = ReplicaStateKeys.DEDUPE_SLOTS;

    /** One remembered request. */
    record Slot(long index, RequestId id, BlockReply reply) {}

    private final Slot[] slots = new Slot[SLOTS];
    private final Map<RequestId, Integer> byId = new HashMap<>();

    /** @return the first reply of request {@code id}, or null if it is not remembered (or {@code id} is null) */
    BlockReply reply(RequestId id) {
        if (id == null) return null;
        Integer s = byId.get(id);
        return s == null ? null : slots[s].reply();
    }

    /** @return the slot of log index {@code index} */
    static int slot(long index) {
        return (int) Math.floorMod(index, (long) SLOTS);
    }

    /** Remembers the first reply of {@code id}, applied at log {@code index} (evicting the slot's former entry). */
    void record(long index, RequestId id, BlockReply reply) {
        put(new Slot(index, id, reply));
    }

    private void put(Slot e) {
        int s = slot(e.index());
        Slot old = slots[s];
        if (old != null && Integer.valueOf(s).equals(byId.get(old.id()))) byId.remove(old.id());
        slots[s] = e;
        byId.put(e.id(), s);
    }

    /** @return the number of remembered request IDs */
    int size() { return byId.size(); }

    /** Forgets everything (before a restore). */
    void clear() {
        java.util.Arrays.fill(slots, null);
        byId.clear();
    }

    /** Calls {@code each} with every remembered slot, in slot order. */
    void forEach(BiConsumer<Integer, Slot> each) {
        for (int i = 0; i < SLOTS; i++) if (slots[i] != null) each.accept(i, slots[i]);
    }

    /** @return the persistent value of {@code e} (layout in the class comment) */
    static byte[] encode(Slot e) {
        Buffer reply = BlockCodecs.encode(e.reply());
        ByteBuffer b = ByteBuffer.allocate(32 + reply.length());
        b.putLong(e.index()).putLong(e.id().client().getMostSignificantBits()).putLong(e.id().client().getLeastSignificantBits())
                .putLong(e.id().call()).put(reply.getBytes());
        return b.array();
    }

    /**
     * @return the slot encoded by {@link #encode}
     * @throws IllegalArgumentException if {@code v} is shorter than its fixed part
     */
    static Slot decode(byte[] v) {
        if (v.length < 32 + 10) throw new IllegalArgumentException("dedupe slot of " + v.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(v);
        long index = b.getLong();
        RequestId id = new RequestId(new UUID(b.getLong(), b.getLong()), b.getLong());
        BlockReply reply = BlockCodecs.decodeReply(Buffer.buffer(java.util.Arrays.copyOfRange(v, 32, v.length)));
        return new Slot(index, id, reply);
    }

    /** Restores a persisted slot (from RocksDB or a snapshot file). */
    void restore(Slot e) {
        put(e);
    }
}
