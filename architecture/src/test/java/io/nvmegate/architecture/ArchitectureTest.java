package io.nvmegate.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The architecture as rules (ArchUnit over the main classes of every module): no package cycles anywhere, and the
 * module layering of README's architecture map — protocol at the bottom, the controller core ({@code common})
 * free of cluster plumbing, gateway and block worker meeting only through the event-bus contract
 * ({@code io.nvmegate.blockio}), the host library independent of the target.
 */
class ArchitectureTest {
    /** The controller core shared by the gateway and the discovery controller (module common). */
    static final String[] CORE = {"io.nvmegate.controller..", "io.nvmegate.fabrics..", "io.nvmegate.admin..",
            "io.nvmegate.transport..", "io.nvmegate.metrics..", "io.nvmegate.auth.."};

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.nvmegate");
    }

    @Test
    void everyModuleIsImported() {
        for (String pkg : new String[] {"protocol", "controller", "transport", "catalog", "blockio", "client", "worker", "storage",
                "gateway", "discovery", "control", "launcher", "embedded"}) {
            assertThat(classes.containPackage("io.nvmegate." + pkg)).as("package io.nvmegate.%s imported", pkg).isTrue();
        }
    }

    /** Each package is a slice; a dependency cycle between any two (directly or through others) fails. */
    @Test
    void noPackageCycles() {
        slices().matching("io.nvmegate.(**)").should().beFreeOfCycles().check(classes);
    }

    /** The same over the main sources of every module: catches a dependency through an inlined constant. */
    @Test
    void noPackageCyclesInSources() {
        Map<String, Set<String>> g = SourceDependencies.of(Path.of(".."));
        assertThat(g).as("packages read from ../*/src/main/java").containsKeys("io.nvmegate.protocol", "io.nvmegate.controller",
                "io.nvmegate.worker", "io.nvmegate.gateway", "io.nvmegate.bench");
        assertThat(SourceDependencies.cycles(g)).isEmpty();
    }

    /** The source check finds a cycle, one that only a compile-time constant closes included. */
    @Test
    void theSourceCheckFindsCycles() {
        Map<String, Set<String>> g = new TreeMap<>();
        SourceDependencies.add(g, "package io.nvmegate.a;\nimport io.nvmegate.b.B;\nclass A { B b; }");
        SourceDependencies.add(g, "package io.nvmegate.b;\n// io.nvmegate.a.A in a comment does not count\n"
                + "class B { String s = \"io.nvmegate.c.C\"; int k = io.nvmegate.a.A.CONSTANT; }");
        assertThat(g.get("io.nvmegate.b")).containsExactly("io.nvmegate.a");
        assertThat(SourceDependencies.cycles(g)).containsExactly("io.nvmegate.a -> io.nvmegate.b -> io.nvmegate.a");
    }

    /** Inside the block worker: stores know neither the worker nor reservations; reservations do not know the worker. */
    @Test
    void blockWorkerLayering() {
        noClasses().that().resideInAPackage("io.nvmegate.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.worker..").check(classes);
        noClasses().that().resideInAPackage("io.nvmegate.worker.reservation..")
                .should().dependOnClassesThat().resideInAPackage("io.nvmegate.worker").check(classes);
        noClasses().that().resideInAPackage("io.nvmegate.blockio..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.worker..", "io.nvmegate.storage..", "io.nvmegate.gateway..")
                .check(classes);
    }

    /** Nothing but itself and the JDK (javax.crypto: the HMAC and DH of DH-HMAC-CHAP, io.nvmegate.protocol.auth). */
    @Test
    void protocolDependsOnNothingOfOurs() {
        classes().that().resideInAPackage("io.nvmegate.protocol..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.nvmegate.protocol..", "java..", "javax.crypto..")
                .check(classes);
    }

    @Test
    void controllerCoreIsFreeOfClusterPlumbing() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.catalog..", "io.nvmegate.cluster..",
                        "io.nvmegate.blockio..", "io.nvmegate.gateway..", "io.nvmegate.worker..", "io.nvmegate.storage..",
                        "io.nvmegate.discovery..", "io.nvmegate.control..", "io.nvmegate.launcher..", "io.nvmegate.embedded..",
                        "com.hazelcast..", "org.rocksdb..")
                .check(classes);
    }

    @Test
    void hostLibraryIsIndependentOfTheTarget() {
        classes().that().resideInAPackage("io.nvmegate.client..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackages(CORE)
                .andShould().onlyDependOnClassesThat().resideOutsideOfPackages("io.nvmegate.catalog..", "io.nvmegate.cluster..",
                        "io.nvmegate.blockio..", "io.nvmegate.gateway..", "io.nvmegate.worker..", "io.nvmegate.storage..")
                .check(classes);
    }

    /** Gateways reach block workers only over the event bus: the messages of {@code io.nvmegate.blockio}. */
    @Test
    void gatewayAndWorkerMeetOnlyThroughTheContract() {
        noClasses().that().resideInAPackage("io.nvmegate.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.worker..", "io.nvmegate.storage..")
                .check(classes);
        noClasses().that().resideInAnyPackage("io.nvmegate.worker..", "io.nvmegate.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.gateway..", "io.nvmegate.discovery..")
                .orShould().dependOnClassesThat().resideInAnyPackage(CORE[0], CORE[1], CORE[2], CORE[3])
                .check(classes);
    }

    @Test
    void discoveryDoesNotReachIntoGatewayOrWorker() {
        noClasses().that().resideInAPackage("io.nvmegate.discovery..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.gateway..", "io.nvmegate.worker..", "io.nvmegate.storage..")
                .check(classes);
    }
}
