package io.nvmegate.discovery;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nvmegate.admin.AdminFuzzInput;
import io.nvmegate.admin.AdminSession;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.GlobalSpec;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.catalog.ReferralSpec;
import io.nvmegate.catalog.SubsystemSpec;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.protocol.tls.SecureChannel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing (Jazzer) of the discovery controller ({@link DiscoveryCommandSet}) through the admin path
 * of a real controller ({@code io.nvmegate.admin.AdminSession}: Connect to the well-known discovery NQN, CC.EN = 1,
 * then the fuzzed commands; checks of {@code io.nvmegate.admin.AdminFuzzInput}).
 *
 * <ul>
 *   <li>{@link #discoveryAdmin}: fuzzer-made admin SQEs (input format of {@code AdminFuzzInput}) against a fixed
 *       catalog of three subsystems, two ports and a referral.</li>
 *   <li>{@link #discoveryLogPage}: a catalog the fuzzer chooses (subsystems, ports, referrals, global settings, port
 *       scope: whatever the catalog's own parsers accept) and a series of Get Log Page commands with any LID, LPO,
 *       NUMD, RAE and SGL length. Beyond the common checks, a successful read returns exactly bytes [LPO, LPO + n)
 *       of the page {@link DiscoveryLogPage#encode} builds for this host (zeros past its end), and a well-formed
 *       read of log 70h (LPO dword aligned and within the page, SGL length ≤ MDTS) succeeds.</li>
 * </ul>
 * Without {@code JAZZER_FUZZ=1} both replay their inputs under
 * {@code src/test/resources/io/nvmegate/discovery/DiscoveryAdminFuzzTestInputs/}.
 */
class DiscoveryAdminFuzzTest {
    static final String BASE = "nqn.2026-11.io.nvmegate:";
    static Vertx vertx;

    @BeforeAll
    static void start() {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nvmegate")).setLevel(Level.ERROR);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.WARN);
        vertx = Vertx.vertx();
        AdminFuzzInput.warmUp(vertx, fixedCatalog().subsystem(), Opcodes.DISCOVERY_NQN);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Three subsystems (one for listed hosts only, with the session's host), port 1 exports all, port 2 one; a referral. */
    static DiscoveryCommandSet fixedCatalog() {
        List<SubsystemSpec> subs = List.of(
                SubsystemSpec.fromJson(new JsonObject().put("nqn", BASE + "a")),
                SubsystemSpec.fromJson(new JsonObject().put("nqn", BASE + "b")),
                SubsystemSpec.fromJson(new JsonObject().put("nqn", BASE + "r").put("allowAnyHost", false)
                        .put("hosts", new JsonArray().add(AdminSession.HOST_NQN))));
        List<PortSpec> ports = List.of(
                PortSpec.fromJson(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", 4420)),
                PortSpec.fromJson(new JsonObject().put("id", 2).put("traddr", "0.0.0.0").put("trsvcid", 4421)
                        .put("subsystems", new JsonArray().add(BASE + "b")).put("treq", "required")));
        CatalogView view = CatalogView.fixed(7, subs, ports, GlobalSpec.defaults(),
                List.of(ReferralSpec.fromJson(new JsonObject().put("id", 1).put("traddr", "10.0.0.9"))));
        return new DiscoveryCommandSet(view, p -> true, s -> new DiscoveryCommandSet.Self(0, "ipv4", null, 8009), false, null);
    }

    @FuzzTest(maxDuration = "60s")
    void discoveryAdmin(byte[] input) {
        DiscoveryCommandSet cs = fixedCatalog();
        long t0 = System.nanoTime(), a0 = AdminFuzzInput.allocated();
        AdminSession s = new AdminSession(vertx, cs.subsystem(), AdminFuzzInput.LIMITS);
        s.connect(Opcodes.DISCOVERY_NQN);
        int n = AdminFuzzInput.run(s, input);
        s.close();
        AdminFuzzInput.check(s, n, AdminFuzzInput.allocated() - a0, System.nanoTime() - t0);
    }

    @FuzzTest(maxDuration = "60s")
    void discoveryLogPage(FuzzedDataProvider data) {
        long t0 = System.nanoTime(), a0 = AdminFuzzInput.allocated();
        CatalogView view = catalog(data);
        DiscoveryCommandSet cs;
        if (data.consumeBoolean() && !view.current().ports().isEmpty()) {
            cs = DiscoveryCommandSet.forPort(view, view.current().ports().get(0));
        } else {
            String adv = data.pickValue(new String[] {"", "192.0.2.1", "fe80::1"});
            cs = new DiscoveryCommandSet(view, p -> true,
                    s -> new DiscoveryCommandSet.Self(0, adv.contains(":") ? "ipv6" : "ipv4", adv.isEmpty() ? null : adv, 8009), false, null);
        }
        AdminSession s = new AdminSession(vertx, cs.subsystem(), AdminFuzzInput.LIMITS);
        s.connect(Opcodes.DISCOVERY_NQN);
        CatalogView.Snapshot snap = view.current();
        Buffer page = DiscoveryLogPage.encode(snap.generation(), cs.entries(snap, AdminSession.HOST_NQN, s.localHost()));
        int commands = 0;
        while (data.remainingBytes() > 0 && commands < AdminFuzzInput.MAX_COMMANDS && !s.closed()) {
            int lid = data.consumeBoolean() ? Opcodes.LOG_DISCOVERY : data.consumeInt(0, 255);
            long lpo = switch (data.consumeInt(0, 3)) {
                case 0 -> 0;
                case 1 -> DiscoveryLogPage.HEADER_SIZE + 4L * data.consumeInt(0, 4096);
                case 2 -> data.consumeLong() & ~3L;
                default -> data.consumeLong();
            };
            int numd0 = data.consumeBoolean() ? data.consumeInt(0, 2047) : data.consumeInt(); // NUMDU:NUMDL, 0's based
            int sgl = switch (data.consumeInt(0, 3)) {
                case 0 -> (numd0 + 1) * 4; // as a host sends it: the SGL length = NUMD bytes
                case 1 -> data.consumeInt(0, AdminFuzzInput.LIMITS.mdtsBytes());
                default -> data.consumeInt();
            };
            boolean rae = data.consumeBoolean();
            Sqe sqe = Sqe.allocate().opcode(Opcodes.ADMIN_GET_LOG_PAGE).nsid(-1)
                    .cdw(10, lid | (rae ? 1 << 15 : 0) | numd0 << 16).cdw(11, numd0 >>> 16)
                    .cdw(12, (int) lpo).cdw(13, (int) (lpo >>> 32)).sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(sgl);
            sqe.u8(1, 1 << 6); // PSDT 01b: SGLs
            AdminSession.Response r = s.submit(sqe, null);
            commands++;
            if (r == null) throw new AssertionError("Get Log Page without a completion: " + sqe);
            checkRead(lid, lpo, Integer.toUnsignedLong(numd0) + 1, Integer.toUnsignedLong(sgl), page, r);
        }
        s.close();
        AdminFuzzInput.check(s, commands, AdminFuzzInput.allocated() - a0, System.nanoTime() - t0);
    }

    /** The oracle of one Get Log Page: see the class comment. */
    static void checkRead(int lid, long lpo, long numd, long sgl, Buffer page, AdminSession.Response r) {
        boolean ok = r.cqe().status() == Status.SUCCESS;
        boolean wellFormed = lid == Opcodes.LOG_DISCOVERY && (lpo & 3) == 0 && Long.compareUnsigned(lpo, page.length()) <= 0
                && sgl <= AdminFuzzInput.LIMITS.mdtsBytes();
        if (wellFormed && !ok) throw new AssertionError("a well-formed read at LPO " + lpo + " of " + sgl + " bytes failed: " + r.cqe());
        if (!ok) return;
        if (lid != Opcodes.LOG_DISCOVERY) throw new AssertionError("log " + lid + " read from a discovery controller: " + r.cqe());
        Buffer got = r.data();
        int n = got == null ? 0 : got.length();
        if (n != sgl) throw new AssertionError("returned " + n + " bytes for an SGL length of " + sgl);
        for (int i = 0; i < n; i++) {
            boolean inPage = Long.compareUnsigned(lpo, page.length()) < 0 && lpo + i < page.length(); // lpo unsigned
            byte want = i < numd * 4 && inPage ? page.getByte((int) (lpo + i)) : 0;
            if (got.getByte(i) != want) {
                throw new AssertionError("byte " + i + " of a read at LPO " + lpo + " (NUMD " + numd + ", page " + page.length()
                        + " bytes) is " + got.getByte(i) + ", the page has " + want);
            }
        }
    }

    /** A catalog from the fuzzer's choices: what the catalog's record parsers refuse is left out, as the catalog would. */
    static CatalogView catalog(FuzzedDataProvider data) {
        Map<String, SubsystemSpec> subs = new LinkedHashMap<>();
        int nSubs = data.consumeInt(0, 12);
        for (int i = 0; i < nSubs; i++) {
            JsonObject j = new JsonObject().put("nqn", data.consumeBoolean() ? BASE + data.consumeAsciiString(64) : data.consumeAsciiString(300))
                    .put("allowAnyHost", data.consumeBoolean());
            if (data.consumeBoolean()) j.put("hosts", new JsonArray().add(data.consumeBoolean() ? AdminSession.HOST_NQN : data.consumeAsciiString(64)));
            try {
                SubsystemSpec s = SubsystemSpec.fromJson(j);
                subs.putIfAbsent(s.nqn(), s);
            } catch (IllegalArgumentException refused) {
                // the catalog refuses it too
            }
        }
        List<String> nqns = new ArrayList<>(subs.keySet());
        Map<Integer, PortSpec> ports = new LinkedHashMap<>();
        int nPorts = data.consumeInt(0, 6);
        for (int i = 0; i < nPorts; i++) {
            boolean v6 = data.consumeBoolean();
            JsonObject j = new JsonObject().put("id", data.consumeInt(0, 70000)).put("adrfam", v6 ? "ipv6" : "ipv4")
                    .put("traddr", data.pickValue(new String[] {"127.0.0.1", "0.0.0.0", "::", "fe80::1", "192.0.2.7"}))
                    .put("trsvcid", data.consumeInt(-1, 70000))
                    .put("treq", data.pickValue(SecureChannel.NAMES.toArray(new String[0])));
            if (data.consumeBoolean()) j.put("advertisedAddress", data.consumeAsciiString(300));
            JsonArray exported = new JsonArray();
            for (String nqn : nqns) if (data.consumeBoolean()) exported.add(nqn);
            j.put("subsystems", exported);
            try {
                PortSpec p = PortSpec.fromJson(j);
                ports.putIfAbsent(p.id(), p);
            } catch (IllegalArgumentException refused) {
                // left out
            }
        }
        List<ReferralSpec> referrals = new ArrayList<>();
        int nRefs = data.consumeInt(0, 3);
        for (int i = 0; i < nRefs; i++) {
            try {
                referrals.add(ReferralSpec.fromJson(new JsonObject().put("id", i + 1).put("traddr", data.consumeAsciiString(300))
                        .put("trsvcid", data.consumeInt(0, 70000)).put("portId", data.consumeInt(0, 3))));
            } catch (IllegalArgumentException refused) {
                // left out
            }
        }
        GlobalSpec g = new GlobalSpec(data.consumeBoolean(), GlobalSpec.DEFAULT_BASE_NQN, true, data.consumeBoolean(), false);
        return CatalogView.fixed(data.consumeLong(), List.copyOf(subs.values()), List.copyOf(ports.values()), g, referrals);
    }
}
