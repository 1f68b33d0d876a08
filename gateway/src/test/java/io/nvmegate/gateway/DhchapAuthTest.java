package io.nvmegate.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nvmegate.catalog.CatalogConfig;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.GlobalSpec;
import io.nvmegate.catalog.HostSpec;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.client.ConnectOptions;
import io.nvmegate.client.DhchapHost;
import io.nvmegate.client.NvmeAuthenticationException;
import io.nvmegate.client.NvmeController;
import io.nvmegate.client.NvmeStatusException;
import io.nvmegate.client.NvmeTcpHost;
import io.nvmegate.cluster.Cluster;
import io.nvmegate.cluster.ClusterOptions;
import io.nvmegate.metrics.NodeMetrics;
import io.nvmegate.protocol.Cqe;
import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.Sqe;
import io.nvmegate.protocol.Status;
import io.nvmegate.protocol.auth.DhGroup;
import io.nvmegate.protocol.auth.DhchapException;
import io.nvmegate.protocol.auth.DhchapFailureReason;
import io.nvmegate.protocol.auth.DhchapHash;
import io.nvmegate.protocol.auth.DhchapSecret;
import io.nvmegate.protocol.auth.DhchapSequence;
import io.nvmegate.testkit.FreePorts;
import io.nvmegate.testkit.RawNvmeTcpHost;
import io.nvmegate.worker.BlockWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DH-HMAC-CHAP enforced by the real gateway (real sockets, a real block worker), against the Java host library and
 * a raw host ({@link RawNvmeTcpHost}) for what the library would never send: every hash × DH group, uni- and
 * bidirectional; wrong host key; wrong controller key; unknown host; skipped authentication (Authentication
 * Required | DNR on admin and I/O commands); a replayed Reply; I/O queues authenticating on their own;
 * re-authentication; key rotation through the catalog; a wrong-key loop of one host not slowing another; the
 * failure counter; no key in the log.
 */
class DhchapAuthTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:auth-test";
    static final String REQUIRED_NQN = "nqn.2026-11.io.nvmegate:auth-required";
    static final String HOST_UNI = "nqn.2026-11.io.nvmegate:host-uni";
    static final String HOST_BI = "nqn.2026-11.io.nvmegate:host-bi";
    static final String HOST_ROTATE = "nqn.2026-11.io.nvmegate:host-rotate";
    static final String HOST_WRONG = "nqn.2026-11.io.nvmegate:host-wrong";
    static final String HOST_GOOD = "nqn.2026-11.io.nvmegate:host-good";
    static final String HOST_NO_KEY = "nqn.2026-11.io.nvmegate:host-no-key";
    static final SecureRandom RANDOM = new SecureRandom();
    static final String KEY_UNI = DhchapSecret.generate(1, 32, RANDOM).format();
    static final String KEY_BI = DhchapSecret.generate(2, 48, RANDOM).format();
    static final String CTRL_KEY_BI = DhchapSecret.generate(3, 64, RANDOM).format();
    static final String KEY_ROTATE_OLD = DhchapSecret.generate(0, 32, RANDOM).format();
    static final String KEY_ROTATE_NEW = DhchapSecret.generate(0, 32, RANDOM).format();
    static final String KEY_WRONG = DhchapSecret.generate(0, 32, RANDOM).format();
    static final String KEY_GOOD = DhchapSecret.generate(0, 32, RANDOM).format();
    static final String NOT_THE_KEY = DhchapSecret.generate(0, 32, RANDOM).format();

    @TempDir
    static Path data;
    static Vertx vertx;
    static HazelcastInstance hz;
    static CatalogView catalog;
    static Gateway gateway;
    static int port;
    static SimpleMeterRegistry meters;
    static ListAppender<ILoggingEvent> logs;

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @BeforeAll
    static void start() throws Exception {
        logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        ((Logger) LoggerFactory.getLogger("io.nvmegate")).setLevel(Level.DEBUG);
        port = FreePorts.free();
        vertx = Vertx.vertx();
        meters = new SimpleMeterRegistry();
        new NodeMetrics(meters).attach(vertx);
        hz = Hazelcast.newHazelcastInstance(Cluster.hazelcastConfig(
                new ClusterOptions("auth-test-" + UUID.randomUUID(), "127.0.0.1", FreePorts.free(), List.of())));
        catalog = new CatalogView(vertx, hz);
        catalog.catalog().load(CatalogConfig.parse(new JsonObject()
                .put("subsystems", new JsonArray()
                        .add(new JsonObject().put("nqn", NQN).put("namespaces", new JsonArray()
                                .add(new JsonObject().put("nsid", 1).put("size", "1M").put("blockSize", 4096))))
                        .add(new JsonObject().put("nqn", REQUIRED_NQN).put("requireAuth", true).put("namespaces", new JsonArray()
                                .add(new JsonObject().put("nsid", 1).put("size", "1M").put("blockSize", 4096)))))
                .put("ports", new JsonArray().add(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", port)))));
        catalog.catalog().putHost(new HostSpec(HOST_UNI, KEY_UNI, null, "sha256", "null"));
        catalog.catalog().putHost(new HostSpec(HOST_BI, KEY_BI, CTRL_KEY_BI, "sha512", "ffdhe2048"));
        catalog.catalog().putHost(new HostSpec(HOST_ROTATE, KEY_ROTATE_OLD, null, "sha256", "null"));
        catalog.catalog().putHost(new HostSpec(HOST_WRONG, KEY_WRONG, null, "sha256", "null"));
        catalog.catalog().putHost(new HostSpec(HOST_GOOD, KEY_GOOD, null, "sha256", "null"));
        await(catalog.start());
        waitFor(() -> catalog.hosts().size() == 5, "catalog view sees the hosts");
        await(vertx.deployVerticle(new BlockWorker(NamespaceSpec.DEFAULT_WORKER, data, () -> catalog.current().namespaces())));
        gateway = new Gateway(vertx, catalog, Gateway.Options.defaults());
        await(gateway.start());
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (gateway != null) await(gateway.stop());
        if (vertx != null) await(vertx.close());
        if (hz != null) hz.shutdown();
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(20);
        }
    }

    static ConnectOptions.Builder options(String hostNqn, String subsys) {
        return ConnectOptions.builder("127.0.0.1", port).subsystemNqn(subsys).hostNqn(hostNqn).ioQueues(1);
    }

    static double failures(String reason) {
        Counter c = meters.find("nvmegate.auth.failures").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    /** Reads and writes a block: the admin and the I/O queue are both usable. */
    static void useIt(NvmeController c) {
        byte[] block = new byte[4096];
        RANDOM.nextBytes(block);
        c.write(1, 3, block, 4096, false);
        assertThat(c.read(1, 3, 1, 4096)).isEqualTo(block);
        assertThat(c.identifyController().cntlid()).isEqualTo(c.cntlid());
    }

    /** A copy of the events logged so far (the appender appends under its own lock). */
    static List<ILoggingEvent> logged() {
        synchronized (logs) {
            return List.copyOf(logs.list);
        }
    }

    // ------------------------------------------------------------------------------------------- the Java host

    static Stream<Arguments> hashesAndGroups() {
        List<Arguments> a = new ArrayList<>();
        for (DhchapHash h : DhchapHash.values()) {
            for (DhGroup g : List.of(DhGroup.NULL, DhGroup.FFDHE2048, DhGroup.FFDHE3072, DhGroup.FFDHE4096)) {
                a.add(Arguments.of(h, g, false));
                a.add(Arguments.of(h, g, true));
            }
        }
        // the big groups are slow: a few cases only
        a.add(Arguments.of(DhchapHash.SHA384, DhGroup.FFDHE6144, false));
        a.add(Arguments.of(DhchapHash.SHA256, DhGroup.FFDHE6144, true));
        a.add(Arguments.of(DhchapHash.SHA512, DhGroup.FFDHE8192, true));
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1} bidirectional={2}")
    @MethodSource("hashesAndGroups")
    void everyHashAndGroup(DhchapHash hash, DhGroup group, boolean bidirectional) {
        ConnectOptions.Builder o = options(bidirectional ? HOST_BI : HOST_UNI, NQN)
                .dhchapSecret(bidirectional ? KEY_BI : KEY_UNI).dhchapCtrlSecret(bidirectional ? CTRL_KEY_BI : null)
                .dhchapHashes(List.of(hash)).dhchapGroups(List.of(group));
        try (NvmeController c = NvmeTcpHost.connect(o.build())) {
            useIt(c);
        }
    }

    @Test
    void wrongHostKeyIsRefusedAndCounted() {
        double before = failures("failed");
        assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_UNI, NQN).dhchapSecret(NOT_THE_KEY).build()))
                .isInstanceOfSatisfying(NvmeAuthenticationException.class, e -> {
                    assertThat(e.qid()).isZero();
                    assertThat(e.step()).isEqualTo("Success1");
                    assertThat(e.reason()).isEqualTo(DhchapFailureReason.FAILED);
                    assertThat(e.byController()).isTrue();
                });
        assertThat(failures("failed")).isEqualTo(before + 1);
    }

    @Test
    void wrongControllerKeyMakesTheHostRefuseTheController() throws Exception {
        double before = failures("failed");
        assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_BI, NQN).dhchapSecret(KEY_BI).dhchapCtrlSecret(NOT_THE_KEY).build()))
                .isInstanceOfSatisfying(NvmeAuthenticationException.class, e -> {
                    assertThat(e.step()).isEqualTo("Success1");
                    assertThat(e.reason()).isEqualTo(DhchapFailureReason.FAILED);
                    assertThat(e.byController()).as("the host refused the controller").isFalse();
                });
        // the host's AUTH_Failure2 is seen and counted by the target too
        waitFor(() -> failures("failed") >= before + 1, "Failure2 counted");
    }

    @Test
    void aBidirectionalHostAskingAControllerWithoutControllerKeyIsRefused() {
        assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_UNI, NQN).dhchapSecret(KEY_UNI).dhchapCtrlSecret(NOT_THE_KEY).build()))
                .isInstanceOfSatisfying(NvmeAuthenticationException.class, e -> assertThat(e.byController()).isTrue());
    }

    @Test
    void unknownHostAndHostWithoutKey() {
        double before = failures("no_key");
        // a subsystem that requires authentication refuses a host without a key at Connect (nvmet: -EPERM from
        // nvmet_setup_auth -> Connect Invalid Host | DNR)
        assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_NO_KEY, REQUIRED_NQN).build()))
                .isInstanceOfSatisfying(NvmeStatusException.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.dnr(Status.CONNECT_INVALID_HOST));
                    assertThat(e.cqe().dw0()).as("IATTR 1, IPO 512 (HOSTNQN)").isEqualTo(1 << 16 | 512);
                });
        assertThat(failures("no_key")).isEqualTo(before + 1);
        // even with a secret of its own: the target knows no key for it
        assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_NO_KEY, REQUIRED_NQN).dhchapSecret(NOT_THE_KEY).build()))
                .isInstanceOf(NvmeStatusException.class);
        // a host with a key authenticates on the required subsystem too
        try (NvmeController c = NvmeTcpHost.connect(options(HOST_UNI, REQUIRED_NQN).dhchapSecret(KEY_UNI).build())) {
            useIt(c);
        }
        // where nothing requires it, a host without a key connects without authenticating
        try (NvmeController c = NvmeTcpHost.connect(options(HOST_NO_KEY, NQN).build())) {
            useIt(c);
        }
        // a host with a key but no secret on this side cannot proceed past ATR
        assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_UNI, NQN).build()))
                .isInstanceOfSatisfying(NvmeAuthenticationException.class, e -> assertThat(e.step()).isEqualTo("Negotiate"));
    }

    @Test
    void theGlobalSettingRequiresAuthenticationEverywhere() throws Exception {
        GlobalSpec g = catalog.global();
        catalog.catalog().putGlobal(new GlobalSpec(g.enabled(), g.baseNqn(), g.ana(), g.crossPortReferrals(), true));
        try {
            waitFor(() -> catalog.global().requireAuth(), "global requireAuth seen");
            assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_NO_KEY, NQN).build())).isInstanceOf(NvmeStatusException.class);
        } finally {
            catalog.catalog().putGlobal(g);
            waitFor(() -> !catalog.global().requireAuth(), "global requireAuth cleared");
        }
        try (NvmeController c = NvmeTcpHost.connect(options(HOST_NO_KEY, NQN).build())) {
            useIt(c);
        }
    }

    @Test
    void reauthentication() {
        try (NvmeController c = NvmeTcpHost.connect(options(HOST_BI, NQN).dhchapSecret(KEY_BI).dhchapCtrlSecret(CTRL_KEY_BI)
                .ioQueues(2).build())) {
            useIt(c);
            c.reauthenticate();
            c.reauthenticate();
            useIt(c);
            // a re-authentication with a wrong key fails, and the controller ends it (nvmet_ctrl_fatal_error)
            ConnectOptions wrong = options(HOST_BI, NQN).dhchapSecret(NOT_THE_KEY).build();
            assertThatThrownBy(() -> c.reauthenticate(wrong)).isInstanceOf(NvmeAuthenticationException.class);
            assertThatThrownBy(() -> useIt(c)).isInstanceOf(io.nvmegate.client.NvmeException.class);
        }
    }

    @Test
    void keyRotationThroughTheCatalog() throws Exception {
        try (NvmeController old = NvmeTcpHost.connect(options(HOST_ROTATE, NQN).dhchapSecret(KEY_ROTATE_OLD).build())) {
            useIt(old);
            catalog.catalog().putHost(new HostSpec(HOST_ROTATE, KEY_ROTATE_NEW, null, "sha256", "null"));
            waitFor(() -> catalog.hosts().stream().anyMatch(h -> h.nqn().equals(HOST_ROTATE) && KEY_ROTATE_NEW.equals(h.dhchapKey())),
                    "the rotated key reaches the gateway's view");
            useIt(old); // already authenticated: keeps working
            assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_ROTATE, NQN).dhchapSecret(KEY_ROTATE_OLD).build()))
                    .isInstanceOf(NvmeAuthenticationException.class);
            try (NvmeController fresh = NvmeTcpHost.connect(options(HOST_ROTATE, NQN).dhchapSecret(KEY_ROTATE_NEW).build())) {
                useIt(fresh);
            }
            old.reauthenticate(options(HOST_ROTATE, NQN).dhchapSecret(KEY_ROTATE_NEW).build()); // re-authentication reads the new key
            useIt(old);
        }
    }

    @Test
    void aWrongKeyLoopDoesNotSlowAnotherHost() throws Exception {
        double before = failures("failed");
        ExecutorService pool = Executors.newFixedThreadPool(25);
        AtomicInteger refused = new AtomicInteger();
        long attackStart = System.nanoTime();
        try {
            for (int i = 0; i < 100; i++) {
                pool.execute(() -> {
                    try (NvmeController c = NvmeTcpHost.connect(options(HOST_WRONG, NQN).dhchapSecret(NOT_THE_KEY).ioQueues(0)
                            .connectTimeoutMs(30_000).build())) {
                        throw new AssertionError("a wrong key connected");
                    } catch (NvmeAuthenticationException e) {
                        refused.incrementAndGet();
                    }
                });
            }
            Thread.sleep(1500); // the attack is under way and its host is being throttled
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                try (NvmeController c = NvmeTcpHost.connect(options(HOST_GOOD, NQN).dhchapSecret(KEY_GOOD).build())) {
                    useIt(c);
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(ms).as("another host's connect while one host loops on a wrong key").isLessThan(3000);
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
        }
        long attackMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attackStart);
        assertThat(refused.get()).isEqualTo(100);
        assertThat(failures("failed")).isGreaterThanOrEqualTo(before + 100);
        // the wrong-key host was slowed down: 100 attempts over 25 connections cannot finish in 4 rounds at 5 s
        assertThat(attackMs).as("the wrong-key host was throttled").isGreaterThan(10_000);
        // and a success resets its delay
        catalog.catalog().putHost(new HostSpec(HOST_WRONG, NOT_THE_KEY, null, "sha256", "null"));
        waitFor(() -> catalog.hosts().stream().anyMatch(h -> h.nqn().equals(HOST_WRONG) && NOT_THE_KEY.equals(h.dhchapKey())), "key set");
        try (NvmeController c = NvmeTcpHost.connect(options(HOST_WRONG, NQN).dhchapSecret(NOT_THE_KEY).build())) {
            useIt(c);
        }
        long t0 = System.nanoTime();
        try (NvmeController c = NvmeTcpHost.connect(options(HOST_WRONG, NQN).dhchapSecret(NOT_THE_KEY).build())) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
        }
    }

    // --------------------------------------------------------------------------------------------- raw host

    static final int AL = 4096;

    static Sqe authSend(RawNvmeTcpHost h, int tl) {
        return Sqe.allocate().opcode(Opcodes.FABRICS).cid(h.cid()).fctype(Opcodes.FCTYPE_AUTH_SEND)
                .u8(41, 1).u8(42, 1).u8(43, 0xE9).u32(44, tl).sglId(Sqe.SGL_DATA_BLOCK_OFFSET).sglLength(tl);
    }

    static Sqe authReceive(RawNvmeTcpHost h, int al) {
        return Sqe.allocate().opcode(Opcodes.FABRICS).cid(h.cid()).fctype(Opcodes.FCTYPE_AUTH_RECEIVE)
                .u8(41, 1).u8(42, 1).u8(43, 0xE9).u32(44, al).sglId(Sqe.SGL_TRANSPORT_DATA_BLOCK).sglLength(al);
    }

    static void send(RawNvmeTcpHost h, byte[] message) throws Exception {
        RawNvmeTcpHost.Completion c = h.execute(authSend(h, message.length), message);
        assertThat(c.status()).as("Authentication Send").isEqualTo(Status.SUCCESS);
    }

    static byte[] receive(RawNvmeTcpHost h) throws Exception {
        RawNvmeTcpHost.Completion c = h.execute(authReceive(h, AL), null);
        assertThat(c.status()).as("Authentication Receive").isEqualTo(Status.SUCCESS);
        return c.data();
    }

    static DhchapHost host(String hostNqn, String key, int tid) {
        return new DhchapHost(hostNqn, NQN, DhchapSecret.parse(key), null, tid, List.of(DhchapHash.SHA256),
                List.of(DhGroup.NULL), RANDOM, DhchapSequence.SHARED);
    }

    /** A whole unidirectional transaction; @return the Reply it sent. */
    static byte[] authenticate(RawNvmeTcpHost h, DhchapHost dh) throws Exception {
        send(h, dh.negotiate());
        byte[] reply = dh.reply(receive(h));
        send(h, reply);
        assertThat(dh.success1(receive(h))).isEmpty();
        return reply;
    }

    static RawNvmeTcpHost raw(String hostNqn) throws Exception {
        RawNvmeTcpHost h = RawNvmeTcpHost.connect(port, RawNvmeTcpHost.Options.defaults().hostNqn(hostNqn));
        h.handshake();
        return h;
    }

    @Test
    void aHostThatSkipsAuthenticationGetsAuthenticationRequired() throws Exception {
        try (RawNvmeTcpHost h = raw(HOST_UNI)) {
            Cqe connect = h.connectAdmin(NQN, 30_000);
            assertThat(connect.success()).isTrue();
            assertThat(connect.dw0() & 1 << 17).as("AUTHREQ.ATR").isNotZero();
            int cntlid = connect.dw0() & 0xFFFF;
            // Fabrics commands pass (nvmet lets every Fabrics command through): Property Get/Set
            assertThat(h.propertyGet(RawNvmeTcpHost.PROP_CAP, true).success()).isTrue();
            assertThat(h.enable().success()).isTrue();
            RawNvmeTcpHost.Completion id = h.execute(h.identify(Opcodes.CNS_CONTROLLER, 0), null);
            assertThat(id.status()).isEqualTo(Status.dnr(Status.AUTHENTICATION_REQUIRED));
            assertThat(Status.sct(id.status())).isEqualTo(1);
            assertThat(Status.sc(id.status())).isEqualTo(0x91);
            try (RawNvmeTcpHost io = raw(HOST_UNI)) {
                Cqe c = io.connectIo(NQN, 1, 31, cntlid);
                assertThat(c.success()).isTrue();
                assertThat(c.dw0() & 1 << 17).as("I/O queue Connect sets ATR too").isNotZero();
                RawNvmeTcpHost.Completion read = io.execute(io.read(1, 0, 1, 4096), null);
                assertThat(read.status()).isEqualTo(Status.dnr(Status.AUTHENTICATION_REQUIRED));
            }
        }
    }

    @Test
    void ioQueuesAuthenticateSeparately() throws Exception {
        try (RawNvmeTcpHost h = raw(HOST_UNI)) {
            Cqe connect = h.connectAdmin(NQN, 30_000);
            int cntlid = connect.dw0() & 0xFFFF;
            authenticate(h, host(HOST_UNI, KEY_UNI, 1));
            assertThat(h.enable().success()).isTrue();
            assertThat(h.execute(h.identify(Opcodes.CNS_CONTROLLER, 0), null).status()).isEqualTo(Status.SUCCESS);
            try (RawNvmeTcpHost io = raw(HOST_UNI)) {
                assertThat(io.connectIo(NQN, 1, 31, cntlid).success()).isTrue();
                // the admin queue's authentication does not cover this queue
                assertThat(io.execute(io.read(1, 0, 1, 4096), null).status()).isEqualTo(Status.dnr(Status.AUTHENTICATION_REQUIRED));
                authenticate(io, host(HOST_UNI, KEY_UNI, 2));
                assertThat(io.execute(io.read(1, 0, 1, 4096), null).status()).isEqualTo(Status.SUCCESS);
            }
        }
    }

    @Test
    void aReplayedReplyFails() throws Exception {
        byte[] captured;
        try (RawNvmeTcpHost a = raw(HOST_UNI)) {
            a.connectAdmin(NQN, 30_000);
            captured = authenticate(a, host(HOST_UNI, KEY_UNI, 7));
        }
        double before = failures("failed");
        try (RawNvmeTcpHost b = raw(HOST_UNI)) {
            b.connectAdmin(NQN, 30_000);
            DhchapHost dh = host(HOST_UNI, KEY_UNI, 7);
            send(b, dh.negotiate());
            dh.reply(receive(b)); // a fresh challenge, which the replayed Reply does not answer
            send(b, captured);
            byte[] answer = receive(b);
            assertThatThrownBy(() -> dh.success1(answer)).isInstanceOfSatisfying(DhchapException.class, e -> {
                assertThat(e.reportedByPeer()).as("AUTH_Failure1 from the controller").isTrue();
                assertThat(e.reason()).isEqualTo(DhchapFailureReason.FAILED);
            });
            assertThat(failures("failed")).isEqualTo(before + 1);
            // the controller is ended after the failed transaction: the connection closes
            b.timeout(java.time.Duration.ofSeconds(10));
            assertThatThrownBy(b::receive).isInstanceOf(Exception.class);
        }
    }

    @Test
    void theSameReplyTwiceOnOneQueueFails() throws Exception {
        try (RawNvmeTcpHost a = raw(HOST_UNI)) {
            a.connectAdmin(NQN, 30_000);
            DhchapHost dh = host(HOST_UNI, KEY_UNI, 9);
            byte[] reply = authenticate(a, dh);
            send(a, reply); // out of order: the transaction is over
            byte[] answer = receive(a);
            assertThat(answer[1] & 0xFF).as("AUTH_Failure1").isEqualTo(0xF1);
            assertThat(answer[7]).as("INCORRECT_MESSAGE").isEqualTo((byte) DhchapFailureReason.INCORRECT_MESSAGE.code());
        }
    }

    @Test
    void authenticationCommandFieldsAreChecked() throws Exception {
        try (RawNvmeTcpHost h = raw(HOST_UNI)) {
            h.connectAdmin(NQN, 30_000);
            byte[] negotiate = host(HOST_UNI, KEY_UNI, 1).negotiate();
            assertThat(h.execute(authSend(h, negotiate.length).u8(43, 0xEA), negotiate).status()).isEqualTo(Status.dnr(Status.INVALID_FIELD));
            assertThat(h.execute(authSend(h, negotiate.length).u8(41, 0), negotiate).status()).isEqualTo(Status.dnr(Status.INVALID_FIELD));
            assertThat(h.execute(authSend(h, negotiate.length).u8(42, 2), negotiate).status()).isEqualTo(Status.dnr(Status.INVALID_FIELD));
            assertThat(h.execute(authSend(h, negotiate.length).u32(44, negotiate.length - 1), negotiate).status())
                    .as("TL other than the SGL length").isEqualTo(Status.dnr(Status.SGL_DATA_LENGTH_INVALID));
            assertThat(h.execute(authReceive(h, AL).u32(44, 0), null).status()).isEqualTo(Status.dnr(Status.INVALID_FIELD));
            // a Challenge does not fit in a tiny AL: Internal Error, the step stays (nvmet)
            send(h, negotiate);
            assertThat(h.execute(authReceive(h, 16), null).status()).isEqualTo(Status.INTERNAL_ERROR);
            assertThat(receive(h)[1] & 0xFF).as("the Challenge, still").isEqualTo(0x01);
        }
    }

    @Test
    void aStepNotTakenWithinKatoFailsTheTransaction() throws Exception {
        double before = failures("timeout");
        try (RawNvmeTcpHost h = raw(HOST_UNI)) {
            h.connectAdmin(NQN, 1500); // the step timeout is KATO (nvmet auth_expired_work)
            DhchapHost dh = host(HOST_UNI, KEY_UNI, 3);
            send(h, dh.negotiate());
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2300);
            while (System.nanoTime() < end) { // keep the controller alive (traffic-based keep alive), not the step
                assertThat(h.propertyGet(RawNvmeTcpHost.PROP_CSTS, false).success()).isTrue();
                Thread.sleep(250);
            }
            assertThat(failures("timeout")).isEqualTo(before + 1);
            byte[] answer = receive(h);
            assertThatThrownBy(() -> dh.reply(answer)).isInstanceOfSatisfying(DhchapException.class, e -> {
                assertThat(e.reportedByPeer()).isTrue();
                assertThat(e.reason()).isEqualTo(DhchapFailureReason.FAILED);
            });
        }
    }

    @Test
    void theDiscoveryControllerDoesNotAuthenticate() throws Exception {
        try (RawNvmeTcpHost h = raw(HOST_UNI)) {
            Cqe c = h.connectAdmin(Opcodes.DISCOVERY_NQN, 30_000);
            assertThat(c.success()).isTrue();
            assertThat(c.dw0() & 1 << 17).isZero();
            assertThat(h.enable().success()).isTrue();
            assertThat(h.execute(h.getLogPage(Opcodes.LOG_DISCOVERY, 1024, 0), null).status()).isEqualTo(Status.SUCCESS);
            byte[] negotiate = host(HOST_UNI, KEY_UNI, 1).negotiate();
            assertThat(h.execute(authSend(h, negotiate.length), negotiate).status()).isEqualTo(Status.dnr(Status.INVALID_OPCODE));
        }
    }

    @Test
    void noKeyInTheLog() throws Exception {
        // make sure something was logged about each kind of event first
        assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_BI, NQN).dhchapSecret(KEY_BI).dhchapCtrlSecret(NOT_THE_KEY).build()))
                .isInstanceOf(NvmeAuthenticationException.class);
        assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_UNI, NQN).dhchapSecret(NOT_THE_KEY).build()))
                .isInstanceOf(NvmeAuthenticationException.class);
        try (NvmeController c = NvmeTcpHost.connect(options(HOST_BI, NQN).dhchapSecret(KEY_BI).dhchapCtrlSecret(CTRL_KEY_BI).build())) {
            useIt(c);
            c.reauthenticate();
        }
        waitFor(() -> logged().stream().anyMatch(e -> e.getFormattedMessage().contains("authentication failed")), "a failure logged");
        List<String> secrets = new ArrayList<>();
        for (String k : List.of(KEY_UNI, KEY_BI, CTRL_KEY_BI, KEY_ROTATE_OLD, KEY_ROTATE_NEW, KEY_WRONG, KEY_GOOD, NOT_THE_KEY)) {
            secrets.add(k);
            secrets.add(k.substring(10, k.length() - 1)); // the Base64 part alone
        }
        List<ILoggingEvent> events;
        events = logged();
        assertThat(events).isNotEmpty();
        for (ILoggingEvent e : events) {
            StringBuilder text = new StringBuilder(e.getFormattedMessage());
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) text.append(' ').append(t.getMessage());
            for (String s : secrets) assertThat(text.toString()).as("log line").doesNotContain(s);
            assertThat(text.toString()).doesNotContain("DHHC-1:");
        }
    }

    @Test
    void failedAuthenticationIsLoggedOnceWithHostSubsystemQidAndReason() {
        synchronized (logs) {
            logs.list.clear();
        }
        assertThatThrownBy(() -> NvmeTcpHost.connect(options(HOST_UNI, NQN).dhchapSecret(NOT_THE_KEY).build()))
                .isInstanceOf(NvmeAuthenticationException.class);
        List<String> lines = logged().stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("DH-HMAC-CHAP authentication failed")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains(HOST_UNI).contains(NQN).contains("qid 0").contains("failed");
    }

}
