package io.nvmegate.launcher.conformance;

import io.nvmegate.client.NvmeController;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.util.UUID;

import static io.nvmegate.launcher.conformance.ConformanceTarget.assertStatus;
import static io.nvmegate.launcher.conformance.ConformanceTarget.connect;
import static org.assertj.core.api.Assertions.assertThat;

/** Get/Set Features (NVMe Base 2.0 sections 5.15, 5.27) with SEL current (0), default (1), saved (2), capabilities (3). */
@ExtendWith(ConformanceTarget.class)
class FeatureConformanceTest {
    static final int CURRENT = 0, DEFAULT = 1, SAVED = 2, CAPS = 3;
    static final int[] SUPPORTED = {Opcodes.FEAT_ARBITRATION, Opcodes.FEAT_POWER_MANAGEMENT, Opcodes.FEAT_TEMPERATURE_THRESHOLD,
            Opcodes.FEAT_ERROR_RECOVERY, Opcodes.FEAT_VOLATILE_WRITE_CACHE, Opcodes.FEAT_NUMBER_OF_QUEUES,
            Opcodes.FEAT_ASYNC_EVENT_CONFIG, Opcodes.FEAT_KEEP_ALIVE_TIMER};

    static int get(NvmeController c, int fid, int sel) { return c.getFeatures(fid, sel, 0).dw0(); }

    @Test
    void capabilitiesSayChangeableNotSaveable() {
        try (NvmeController c = connect()) {
            for (int fid : SUPPORTED) assertThat(get(c, fid, CAPS)).as("FID %02xh", fid).isEqualTo(1 << 2);
            assertThat(c.getFeatures(Opcodes.FEAT_HOST_IDENTIFIER, CAPS, 0).dw0()).as("host ID not changeable").isZero();
        }
    }

    @Test
    void setThenGetCurrentDefaultAndSaved() {
        try (NvmeController c = connect()) {
            c.setFeatures(Opcodes.FEAT_ARBITRATION, 0x03020103, false);
            assertThat(get(c, Opcodes.FEAT_ARBITRATION, CURRENT)).isEqualTo(0x03020103);
            assertThat(get(c, Opcodes.FEAT_ARBITRATION, DEFAULT)).isZero();
            assertThat(get(c, Opcodes.FEAT_ARBITRATION, SAVED)).as("not saveable: saved = default").isZero();

            c.setFeatures(Opcodes.FEAT_POWER_MANAGEMENT, 0, false);
            assertThat(get(c, Opcodes.FEAT_POWER_MANAGEMENT, CURRENT)).isZero();

            c.setFeatures(Opcodes.FEAT_TEMPERATURE_THRESHOLD, 350, false);                 // over, composite
            c.setFeatures(Opcodes.FEAT_TEMPERATURE_THRESHOLD, 1 << 20 | 260, false);      // under
            assertThat(c.getFeatures(Opcodes.FEAT_TEMPERATURE_THRESHOLD, CURRENT, 0).dw0()).isEqualTo(350);
            assertThat(c.getFeatures(Opcodes.FEAT_TEMPERATURE_THRESHOLD, CURRENT, 1 << 20).dw0()).isEqualTo(1 << 20 | 260);
            assertThat(c.getFeatures(Opcodes.FEAT_TEMPERATURE_THRESHOLD, DEFAULT, 0).dw0()).isEqualTo(0x157);
            assertThat(c.getFeatures(Opcodes.FEAT_TEMPERATURE_THRESHOLD, DEFAULT, 1 << 20).dw0()).isEqualTo(1 << 20);

            c.setFeatures(Opcodes.FEAT_ERROR_RECOVERY, 25, false);
            assertThat(get(c, Opcodes.FEAT_ERROR_RECOVERY, CURRENT)).isEqualTo(25);
            assertThat(get(c, Opcodes.FEAT_ERROR_RECOVERY, DEFAULT)).isZero();

            assertThat(get(c, Opcodes.FEAT_VOLATILE_WRITE_CACHE, DEFAULT)).isEqualTo(1);
            c.setFeatures(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0, false);
            assertThat(get(c, Opcodes.FEAT_VOLATILE_WRITE_CACHE, CURRENT)).isZero();
            c.write(1, 7, new byte[4096], 4096, false); // write-through while the cache is off
            c.setFeatures(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 1, false);
            assertThat(get(c, Opcodes.FEAT_VOLATILE_WRITE_CACHE, CURRENT)).isEqualTo(1);

            c.setFeatures(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 1 << 8 | 1 << 11 | 0x1F, false);
            assertThat(get(c, Opcodes.FEAT_ASYNC_EVENT_CONFIG, CURRENT)).isEqualTo(1 << 8 | 1 << 11 | 0x1F);
            assertThat(get(c, Opcodes.FEAT_ASYNC_EVENT_CONFIG, DEFAULT)).isZero();

            assertThat(get(c, Opcodes.FEAT_KEEP_ALIVE_TIMER, CURRENT)).as("KATO from Connect").isEqualTo(10_000);
            c.setFeatures(Opcodes.FEAT_KEEP_ALIVE_TIMER, 20_000, false);
            assertThat(get(c, Opcodes.FEAT_KEEP_ALIVE_TIMER, CURRENT)).isEqualTo(20_000);
            assertThat(get(c, Opcodes.FEAT_KEEP_ALIVE_TIMER, DEFAULT)).isEqualTo(10_000);

            assertThat(get(c, Opcodes.FEAT_NUMBER_OF_QUEUES, CURRENT)).as("2 granted, 0's based").isEqualTo(0x00010001);
            int max = ConformanceTarget.TRANSPORT.maxIoQueues() - 1;
            assertThat(get(c, Opcodes.FEAT_NUMBER_OF_QUEUES, DEFAULT)).isEqualTo(max | max << 16);
        }
    }

    @Test
    void invalidValuesAreRejected() {
        try (NvmeController c = connect()) {
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_POWER_MANAGEMENT, 1, false), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_TEMPERATURE_THRESHOLD, 1 << 16 | 300, false), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_TEMPERATURE_THRESHOLD, 2 << 20 | 300, false), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.getFeatures(Opcodes.FEAT_TEMPERATURE_THRESHOLD, CURRENT, 3 << 16), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_ERROR_RECOVERY, 1 << 16, false), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 1 << 9, false), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 1 << 31, false), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_NUMBER_OF_QUEUES, 0xFFFF, false), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_ARBITRATION, 0, true), Status.dnr(Status.FEATURE_NOT_SAVEABLE));
            assertStatus(() -> c.getFeatures(Opcodes.FEAT_ARBITRATION, 4, 0), Status.dnr(Status.INVALID_FIELD));
        }
    }

    /** Number of Queues may not change while I/O queues exist (NVMe Base 2.0 section 5.27.1.5). */
    @Test
    void numberOfQueuesAfterIoQueuesIsACommandSequenceError() {
        try (NvmeController c = connect()) {
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_NUMBER_OF_QUEUES, 0, false), Status.dnr(Status.COMMAND_SEQUENCE_ERROR));
        }
        try (NvmeController c = connect(b -> b.ioQueues(0))) {
            assertThat(c.setFeatures(Opcodes.FEAT_NUMBER_OF_QUEUES, 40 | 40 << 16, false).dw0()).as("capped")
                    .isEqualTo(7 | 7 << 16);
        }
    }

    @Test
    void hostIdentifierIs128BitAndReadOnly() {
        UUID hostId = UUID.randomUUID();
        try (NvmeController c = connect(b -> b.hostId(hostId))) {
            byte[] id = c.submit(0, io.nvmegate.client.CommandBuilders.getFeatures(Opcodes.FEAT_HOST_IDENTIFIER, 0, 1), null, 16)
                    .join().data().array();
            ByteBuffer b = ByteBuffer.wrap(id);
            assertThat(new UUID(b.getLong(), b.getLong())).isEqualTo(hostId);
            assertStatus(() -> c.getFeatures(Opcodes.FEAT_HOST_IDENTIFIER, CURRENT, 0), Status.dnr(Status.INVALID_FIELD));
            assertStatus(() -> c.setFeatures(Opcodes.FEAT_HOST_IDENTIFIER, 1, false), Status.dnr(Status.COMMAND_SEQUENCE_ERROR));
        }
    }

    @Test
    void unsupportedFeaturesAreInvalidField() {
        try (NvmeController c = connect()) {
            for (int fid : new int[] {0x00, 0x03, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x10, 0x80, 0x84, 0xC0}) {
                assertStatus(() -> c.getFeatures(fid, CURRENT, 0), Status.dnr(Status.INVALID_FIELD));
                assertStatus(() -> c.setFeatures(fid, 0, false), Status.dnr(Status.INVALID_FIELD));
                assertStatus(() -> c.getFeatures(fid, CAPS, 0), Status.dnr(Status.INVALID_FIELD));
            }
        }
    }
}
