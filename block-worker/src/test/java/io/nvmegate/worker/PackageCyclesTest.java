package io.nvmegate.worker;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * No package cycles among the block worker's packages and the gateway<->worker contract ({@code blockio}), and
 * the layering they document: {@code storage} knows neither the worker nor reservations; {@code worker.reservation}
 * knows storage and blockio but not the worker.
 */
class PackageCyclesTest {
    static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.nvmegate.worker", "io.nvmegate.storage", "io.nvmegate.blockio");

    @Test
    void noPackageCycles() {
        slices().matching("io.nvmegate.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void layering() {
        noClasses().that().resideInAPackage("io.nvmegate.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.worker..").check(CLASSES);
        noClasses().that().resideInAPackage("io.nvmegate.worker.reservation..")
                .should().dependOnClassesThat().resideInAPackage("io.nvmegate.worker").check(CLASSES);
        noClasses().that().resideInAPackage("io.nvmegate.blockio..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nvmegate.worker..", "io.nvmegate.storage..", "io.nvmegate.gateway..")
                .check(CLASSES);
    }
}
