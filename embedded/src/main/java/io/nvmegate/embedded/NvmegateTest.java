package io.nvmegate.embedded;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a JUnit 5 test class (or one test method) a running in-process {@link NvmegateTarget} on 127.0.0.1 with
 * a free port, and injects it into test, {@code @BeforeEach} and {@code @BeforeAll} method parameters of type
 * {@link TargetInfo} (address, port, NQNs) or {@link NvmegateTarget}.
 *
 * <pre>{@code
 * @NvmegateTest(subsystems = "nqn.2026-11.io.example:disk", backend = NvmegateTest.BackendKind.MEMORY)
 * class MyDriverTest {
 *     @Test
 *     void writesAndReadsBack(TargetInfo target) {
 *         connect(target.host(), target.port(), target.nqn());   // your host software
 *     }
 * }
 * }</pre>
 *
 * On a method the annotation gives that method its own target (its attributes apply, lifecycle is per method).
 * Every subsystem gets every {@link #namespaces() namespace}; all namespaces use {@link #backend()}. With
 * {@link BackendKind#ROCKSDB} the extension creates a temporary directory and deletes it with the target.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(NvmegateExtension.class)
public @interface NvmegateTest {
    /** Subsystem NQNs (each allowing any host). */
    String[] subsystems() default "nqn.2026-11.io.nvmegate:test";

    /** Namespaces of every subsystem (default: NSID 1, 64 MiB, 4096-byte blocks). */
    NvmegateNamespace[] namespaces() default @NvmegateNamespace;

    /** Backend of every namespace. */
    BackendKind backend() default BackendKind.MEMORY;

    /** One target for the whole class (started before {@code @BeforeAll}) or a new one for every test method. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** Also run a discovery service on a free port ({@link TargetInfo#discoveryPort()}). */
    boolean discovery() default false;

    /** Most entries of an I/O queue ({@link TcpTransportOptions#maxQueueDepth()}). */
    int maxQueueDepth() default 128;

    /** Maximum data transfer size in bytes ({@link TcpTransportOptions#maxIoSize()}). */
    int maxIoSize() default 512 * 1024;

    /** The {@link Backend} of the target's namespaces. */
    enum BackendKind {
        /** {@link Backend#NULL}: writes discarded, reads zeroes. */
        NULL,
        /** {@link Backend#MEMORY}: RAM, kept while the target runs. */
        MEMORY,
        /** {@link Backend#rocksdb}: in a temporary directory deleted after the target stops. */
        ROCKSDB
    }

    /** When targets start and stop. */
    enum Lifecycle {
        /** One target for all tests of the class. */
        PER_CLASS,
        /** A fresh target for every test method (slower: about a second each). */
        PER_METHOD
    }
}
