package io.nvmegate.blockio;

import io.nvmegate.testkit.FuzzSeeds;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeds of {@link BlockCodecsFuzzTest} made by the real encoders of {@link BlockCodecs} and {@link BlockBatchCodecs}:
 * a request of every {@link BlockOp} as a gateway sends it (host, CNTLID, request ID, lease; data for the writes,
 * ranges for Deallocate), replies with data, without and with a leader redirect, and batches of them. With
 * {@code -Dfuzz.writeSeeds=true} it (re)writes them; otherwise it checks that the committed seeds are still the
 * encoders' bytes. docs/fuzz-corpus.md.
 */
class BlockCodecsFuzzSeedsTest {
    static final UUID NS = UUID.fromString("5e7a0b4e-0000-4000-8000-00000000f022");
    static final UUID HOST = UUID.fromString("0c0ffee0-0000-4000-8000-0000000000aa");
    static final RequestId ID = new RequestId(UUID.fromString("9a000000-0000-4000-8000-000000000001"), 42);

    static BlockRequest request(BlockOp op) {
        Buffer data = switch (op) {
            case WRITE, COMPARE -> Buffer.buffer(new byte[1024]);
            case COMPARE_AND_WRITE -> Buffer.buffer(new byte[2048]);
            case RESERVATION_REGISTER, RESERVATION_ACQUIRE, RESERVATION_RELEASE -> Buffer.buffer(new byte[16]);
            default -> null;
        };
        long[] ranges = op == BlockOp.DEALLOCATE ? new long[] {0, 8, 64, 16} : null;
        return new BlockRequest(op, NS, 512, 8, 2, op == BlockOp.WRITE, data, ranges, 0, 0, HOST, 1, ID, 1_700_000_000_000L);
    }

    static Map<String, byte[]> seeds(String method) {
        Map<String, byte[]> s = new TreeMap<>();
        BlockReply ok = new BlockReply(0, Buffer.buffer(new byte[512]), null);
        BlockReply redirect = new BlockReply(0x0302, null, "worker-2");
        switch (method) {
            case "request" -> {
                for (BlockOp op : BlockOp.values()) s.put(op.name().toLowerCase(), bytes(BlockCodecs.encode(request(op))));
                s.put("flush-no-host", bytes(BlockCodecs.encode(new BlockRequest(BlockOp.FLUSH, NS, 0, 0, 0, false, null, null))));
            }
            case "reply" -> {
                s.put("read-data", bytes(BlockCodecs.encode(ok)));
                s.put("status-only", bytes(BlockCodecs.encode(new BlockReply(0x0002, null, null))));
                s.put("leader-redirect", bytes(BlockCodecs.encode(redirect)));
            }
            case "batch" -> s.put("write-read-flush", bytes(BlockBatchCodecs.encode(new BlockBatch("nvmegate.reply.gw-1",
                    new long[] {1, 2, 3}, new BlockRequest[] {request(BlockOp.WRITE), request(BlockOp.READ), request(BlockOp.FLUSH)}))));
            case "replyBatch" -> s.put("ok-and-redirect", bytes(BlockBatchCodecs.encode(new BlockReplyBatch(new long[] {1, 2},
                    new BlockReply[] {ok, redirect}))));
            default -> throw new IllegalArgumentException(method);
        }
        return s;
    }

    static byte[] bytes(Buffer b) {
        return b.getBytes();
    }

    @Test
    void requestSeeds() { check("request", b -> BlockCodecs.decodeRequest(b)); }

    @Test
    void replySeeds() { check("reply", b -> BlockCodecs.decodeReply(b)); }

    @Test
    void batchSeeds() { check("batch", b -> BlockBatchCodecs.decodeBatch(b)); }

    @Test
    void replyBatchSeeds() { check("replyBatch", b -> BlockBatchCodecs.decodeReplyBatch(b)); }

    private static void check(String method, Function<Buffer, Object> decode) {
        Map<String, byte[]> seeds = seeds(method);
        if (FuzzSeeds.writing()) {
            seeds.forEach((name, input) -> FuzzSeeds.write(BlockCodecsFuzzTest.class, method, name, input));
            return;
        }
        Map<String, byte[]> committed = FuzzSeeds.read(BlockCodecsFuzzTest.class, method);
        seeds.forEach((name, input) -> {
            assertThat(committed.get(FuzzSeeds.SEED_PREFIX + name)).as("seed %s of %s (regenerate: -Dfuzz.writeSeeds=true)", name, method).isEqualTo(input);
            assertThat(decode.apply(Buffer.buffer(input))).isNotNull();
        });
    }
}
