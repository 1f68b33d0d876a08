package io.nvmegate.control;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Coverage-guided fuzzing (Jazzer) of the management API's request bodies: {@link ApiServer#parseBody} (the text
 * of the body) and then the resource operation of {@link CatalogService} that takes it, over an in-memory catalog
 * ({@link CatalogService#draft()}) holding one of each resource so that updates and links find their target.
 *
 * <p>Input: byte 0 picks the operation ({@link #OPERATIONS}, modulo their number), the rest is the body as UTF-8
 * (malformed sequences become U+FFFD, as in Vert.x's {@code Buffer.toString()}).
 *
 * <p>Check: an operation either succeeds or is refused the way {@code ApiServer.error} answers it: an
 * {@link ApiException} or an {@link IllegalArgumentException} (400 through {@link ApiException#from}) with a 4xx
 * status and the name of the field at fault. Any other exception is a 500: a finding, as is a 4xx naming no field.
 */
class CatalogBodiesFuzzTest {
    static final String NQN = "nqn.2026-11.io.nvmegate:fuzz";
    static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000f1";

    /** One resource operation that takes a body: its name (for messages) and the call. */
    record Operation(String name, BiFunction<CatalogService, JsonObject, Object> call) {
    }

    static final List<Operation> OPERATIONS = List.of(
            new Operation("PUT /global", CatalogService::updateGlobal),
            new Operation("POST /subsystems", CatalogService::createSubsystem),
            new Operation("PATCH /subsystems/{nqn}", (s, b) -> s.updateSubsystem(NQN, b)),
            new Operation("POST /namespaces", (s, b) -> s.createNamespace(null, b)),
            new Operation("POST /subsystems/{nqn}/namespaces", (s, b) -> s.createNamespace(NQN, b)),
            new Operation("PATCH /subsystems/{nqn}/namespaces/1", (s, b) -> s.updateNamespace(NQN, "1", b)),
            new Operation("POST /ports", CatalogService::createPort),
            new Operation("PATCH /ports/1", (s, b) -> s.updatePort("1", b)),
            new Operation("POST /ports/1/subsystems", (s, b) -> s.linkPortSubsystem("1", b)),
            new Operation("POST /hosts", CatalogService::createHost),
            new Operation("PATCH /hosts/{nqn}", (s, b) -> s.updateHost(HOST, b)),
            new Operation("POST /subsystems/{nqn}/hosts", (s, b) -> s.linkHost(NQN, b)),
            new Operation("POST /referrals", CatalogService::createReferral),
            new Operation("PATCH /referrals/1", (s, b) -> s.updateReferral("1", b)),
            new Operation("POST /generate-key", CatalogService::generateKey),
            new Operation("PUT /config", CatalogService::restore));

    @BeforeAll
    static void quiet() {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nvmegate")).setLevel(Level.ERROR);
    }

    /** A subsystem (namespace 1), port 1, a host and referral 1, built once through the create operations. */
    static final DraftCatalog BASE = new DraftCatalog();

    static {
        CatalogService s = CatalogService.draft(BASE);
        s.createHost(new JsonObject().put("nqn", HOST));
        s.createSubsystem(new JsonObject().put("nqn", NQN).put("allowAnyHost", false).put("hosts", new io.vertx.core.json.JsonArray().add(HOST)));
        s.createNamespace(NQN, new JsonObject().put("nsid", 1).put("size", "1M").put("backend", "memory"));
        s.createPort(new JsonObject().put("id", 1).put("traddr", "127.0.0.1").put("trsvcid", 4420));
        s.createReferral(new JsonObject().put("id", 1).put("traddr", "10.0.0.9"));
    }

    /** A fresh copy of {@link #BASE} (each input starts from the same catalog; copying costs microseconds, building milliseconds). */
    static CatalogService service() {
        DraftCatalog d = new DraftCatalog();
        BASE.copyTo(d);
        return CatalogService.draft(d);
    }

    @FuzzTest(maxDuration = "60s")
    void catalogBodies(byte[] input) {
        if (input.length == 0) return;
        Operation op = OPERATIONS.get((input[0] & 0xFF) % OPERATIONS.size());
        String text = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_8);
        CatalogService service = service();
        try {
            op.call().apply(service, ApiServer.parseBody(text));
        } catch (ApiException e) {
            refused(op, e, text);
        } catch (IllegalArgumentException e) {
            refused(op, ApiException.from(e), text);
        } catch (RuntimeException e) {
            throw new AssertionError(op.name() + " answered 500 (" + e + ") for the body " + text, e);
        }
    }

    private static void refused(Operation op, ApiException e, String body) {
        if (e.status() < 400 || e.status() > 499) throw new AssertionError(op.name() + " answered " + e.status() + " (" + e.getMessage() + ") for " + body);
        if (e.field() == null) { // an empty name is a name: {"": 1} is refused as unknown field ""
            throw new AssertionError(op.name() + " answered " + e.status() + " naming no field (" + e.getMessage() + ") for " + body);
        }
    }
}
