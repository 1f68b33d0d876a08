package io.nvmegate.launcher.conformance;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.nvmegate.launcher.conformance.ConformanceTarget.SCRATCH_NQN;
import static io.nvmegate.launcher.conformance.ConformanceTarget.assertStatus;
import static io.nvmegate.launcher.conformance.ConformanceTarget.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Asynchronous Event Requests and notices (NVMe Base 2.0 section 5.2), Abort (section 5.1): the AERL + 1 limit,
 * aborting a waiting AER, Namespace Attribute Changed and ANA Change notices from catalog changes, and masking
 * until the log page is read with RAE = 0.
 */
@ExtendWith(ConformanceTarget.class)
class AsyncEventConformanceTest {
    static final int AEC = 1 << 8 | 1 << 11;

    @Test
    void upToAerlPlusOneAreHeldAndAbortReleasesThem() throws Exception {
        try (NvmeController c = connect()) {
            int aerl = c.controllerData().aerl();
            assertThat(aerl).isEqualTo(3);
            List<CompletableFuture<Integer>> held = new ArrayList<>();
            for (int i = 0; i <= aerl; i++) held.add(c.asyncEventRequest());
            Thread.sleep(100);
            assertThat(held).noneMatch(CompletableFuture::isDone);
            NvmeStatusException limit = assertStatus(() -> c.asyncEventRequest().join(), Status.dnr(Status.AER_LIMIT_EXCEEDED));
            assertThat(limit.sct()).isEqualTo(1);
            // Abort every admin CID: exactly the held AERs are aborted (DW0 bit 0 = 0).
            int aborted = 0;
            for (int cid = 0; cid < 32; cid++) if ((c.abort(0, cid) & 1) == 0) aborted++;
            assertThat(aborted).isEqualTo(aerl + 1);
            for (CompletableFuture<Integer> f : held) {
                assertThatThrownBy(() -> f.get(2, TimeUnit.SECONDS)).hasCauseInstanceOf(NvmeStatusException.class)
                        .satisfies(t -> assertThat(((NvmeStatusException) t.getCause()).status()).isEqualTo(Status.ABORT_REQUESTED));
            }
            assertThat(c.abort(1, 5) & 1).as("I/O commands are never aborted").isEqualTo(1);
        }
    }

    @Test
    void namespaceAndAnaNoticesAreMaskedUntilTheLogIsRead() throws Exception {
        try (NvmeController c = connect(b -> b.subsystemNqn(SCRATCH_NQN))) {
            c.setFeatures(Opcodes.FEAT_ASYNC_EVENT_CONFIG, AEC, false);
            CompletableFuture<Integer> first = c.asyncEventRequest();
            NamespaceSpec ns2 = new NamespaceSpec(SCRATCH_NQN, 2, NamespaceSpec.defaultUuid(SCRATCH_NQN, 2), 1 << 20, 4096,
                    "rocksdb", "worker-1", true);
            ConformanceTarget.putNamespace(ns2);
            assertThat(first.get(10, TimeUnit.SECONDS)).as("Namespace Attribute Changed").isEqualTo(0x00040002);
            assertThat(c.asyncEventRequest().get(5, TimeUnit.SECONDS)).as("ANA Change (new group member)").isEqualTo(0x000C0302);
            assertThat(c.activeNamespaces(0)).contains(1, 2);

            // RAE = 1 keeps the list and the mask; RAE = 0 clears the list and unmasks.
            assertThat(nsids(c.getLogPage(Opcodes.LOG_CHANGED_NS, 0, true, 0, 4096, 0))).contains(2);
            CompletableFuture<Integer> masked = c.asyncEventRequest();
            ConformanceTarget.putNamespace(resized(ns2, 2 << 20));
            awaitNsze(c, 2, (2 << 20) / 4096);
            Thread.sleep(300);
            assertThat(masked).as("still masked: log read with RAE = 1 only").isNotDone();
            assertThat(nsids(c.getLogPage(Opcodes.LOG_CHANGED_NS, 0, false, 0, 4096, 0))).contains(2);
            assertThat(nsids(c.getLogPage(Opcodes.LOG_CHANGED_NS, 0, false, 0, 4096, 0))).as("cleared").isEmpty();

            ConformanceTarget.putNamespace(resized(ns2, 3 << 20));
            assertThat(masked.get(10, TimeUnit.SECONDS)).as("unmasked by the RAE = 0 read").isEqualTo(0x00040002);
            assertThat(nsids(c.getLogPage(Opcodes.LOG_CHANGED_NS, 0, false, 0, 4096, 0))).containsExactly(2);

            // Moving NSID 1 to ANA group 3: both notices; the ANA one was masked until LID 0Ch is read.
            c.getLogPage(Opcodes.LOG_ANA, 0, false, 0, 4096, 0);
            CompletableFuture<Integer> a = c.asyncEventRequest(), b = c.asyncEventRequest();
            NamespaceSpec ns1 = new NamespaceSpec(SCRATCH_NQN, 1, NamespaceSpec.defaultUuid(SCRATCH_NQN, 1), 1 << 20, 4096,
                    "rocksdb", "worker-1", true, 3);
            ConformanceTarget.putNamespace(ns1);
            assertThat(List.of(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS))).containsExactlyInAnyOrder(0x00040002, 0x000C0302);
            byte[] ana = c.getLogPage(Opcodes.LOG_ANA, 0, false, 0, 4096, 0);
            assertThat(Le.u16(ana, 8)).isEqualTo(2);
            assertThat(Le.u32(ana, 16)).as("group 1 holds NSID 2").isEqualTo(1);
            assertThat(Le.u32(ana, 32 + 16)).isEqualTo(2);
            assertThat(Le.u32(ana, 52)).as("group 3").isEqualTo(3);
            assertThat(Le.u32(ana, 52 + 32)).isEqualTo(1);
            assertThat(Le.u32(c.identifyAsync(Opcodes.CNS_NAMESPACE, 1, 0).join(), 92)).isEqualTo(3);
        }
    }

    @Test
    void noticesNotEnabledInAsyncEventConfigurationAreNotSent() throws Exception {
        try (NvmeController c = connect(b -> b.subsystemNqn(SCRATCH_NQN))) {
            CompletableFuture<Integer> aer = c.asyncEventRequest();
            NamespaceSpec ns5 = new NamespaceSpec(SCRATCH_NQN, 5, NamespaceSpec.defaultUuid(SCRATCH_NQN, 5), 1 << 20, 512,
                    "rocksdb", "worker-1", true);
            ConformanceTarget.putNamespace(ns5);
            for (int i = 0; i < 100 && !c.activeNamespaces(0).contains(5); i++) Thread.sleep(50);
            Thread.sleep(300);
            assertThat(aer).isNotDone();
            assertThat(nsids(c.getLogPage(Opcodes.LOG_CHANGED_NS, 0, false, 0, 4096, 0))).contains(5);
            assertThatThrownBy(() -> { c.abort(0, findAborted(c)); }).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(aer::join).isInstanceOf(CompletionException.class);
        } finally {
            ConformanceTarget.putNamespace(new NamespaceSpec(SCRATCH_NQN, 5, NamespaceSpec.defaultUuid(SCRATCH_NQN, 5), 1 << 20, 512,
                    "rocksdb", "worker-1", false));
            for (int i = 0; i < 200; i++) {
                NamespaceSpec now = ConformanceTarget.node().catalog().current().namespace(SCRATCH_NQN, 5);
                if (now == null || !now.enabled()) break;
                Thread.sleep(25);
            }
        }
    }

    /** Aborts the one outstanding AER (whatever its CID); throws IllegalStateException to end the search. */
    private static int findAborted(NvmeController c) {
        for (int cid = 0; cid < 32; cid++) if ((c.abort(0, cid) & 1) == 0) throw new IllegalStateException("aborted CID " + cid);
        return -1;
    }

    private static NamespaceSpec resized(NamespaceSpec n, long bytes) {
        return new NamespaceSpec(n.subsystemNqn(), n.nsid(), n.uuid(), bytes, n.blockSize(), n.backend(), n.worker(), n.enabled(), n.anaGroup());
    }

    private static void awaitNsze(NvmeController c, int nsid, long nsze) throws InterruptedException {
        for (int i = 0; i < 200 && c.identifyNamespace(nsid).nsze() != nsze; i++) Thread.sleep(50);
        assertThat(c.identifyNamespace(nsid).nsze()).isEqualTo(nsze);
    }

    static List<Integer> nsids(byte[] page) {
        List<Integer> l = new ArrayList<>();
        for (int off = 0; off < page.length; off += 4) {
            int n = Le.u32(page, off);
            if (n == 0) break;
            l.add(n);
        }
        return l;
    }
}
