package io.nvmegate.embedded;

import io.nvmegate.catalog.NamespaceSpec;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The JUnit 5 extension behind {@link NvmegateTest}: starts the target before {@code @BeforeAll} (per class) or
 * before {@code @BeforeEach} (per method), keeps it in the JUnit extension store, which closes it (and deletes a
 * RocksDB temporary directory) when the class or method is done, and resolves parameters of type
 * {@link TargetInfo} and {@link NvmegateTarget}. May also be registered with {@code @ExtendWith} on a class that
 * carries {@code @NvmegateTest}.
 */
public final class NvmegateExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NvmegateExtension.class);
    private static final String KEY = "target";

    @Override
    public void beforeAll(ExtensionContext context) {
        annotation(context.getRequiredTestClass())
                .filter(a -> a.lifecycle() == NvmegateTest.Lifecycle.PER_CLASS)
                .ifPresent(a -> started(context, a));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        scope(context).ifPresent(s -> started(s.context, s.annotation));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> t = parameter.getParameter().getType();
        return t == TargetInfo.class || t == NvmegateTarget.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Scope s = scope(context).orElseThrow(() -> new ParameterResolutionException(
                "no @NvmegateTest target for " + context.getDisplayName()
                        + (context.getTestMethod().isEmpty() ? " (a PER_METHOD target cannot be injected into a constructor or @BeforeAll method)" : "")));
        NvmegateTarget target = started(s.context, s.annotation);
        return parameter.getParameter().getType() == TargetInfo.class ? target.info() : target;
    }

    /** The context that owns the target for {@code context}, and the annotation that configures it. */
    private record Scope(ExtensionContext context, NvmegateTest annotation) {}

    private static Optional<Scope> scope(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) {
            Optional<NvmegateTest> onMethod = annotation(context.getRequiredTestMethod());
            if (onMethod.isPresent()) return Optional.of(new Scope(context, onMethod.get()));
        }
        Optional<NvmegateTest> onClass = context.getTestClass().flatMap(NvmegateExtension::annotation);
        if (onClass.isEmpty()) return Optional.empty();
        if (onClass.get().lifecycle() == NvmegateTest.Lifecycle.PER_METHOD) {
            return context.getTestMethod().isPresent() ? Optional.of(new Scope(context, onClass.get())) : Optional.empty();
        }
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return Optional.of(new Scope(classContext, onClass.get()));
    }

    private static Optional<NvmegateTest> annotation(AnnotatedElement e) {
        return AnnotationSupport.findAnnotation(e, NvmegateTest.class);
    }

    private static NvmegateTarget started(ExtensionContext owner, NvmegateTest a) {
        return owner.getStore(STORE).getOrComputeIfAbsent(KEY, k -> Resource.start(a), Resource.class).target;
    }

    /** A started target and its temporary directory, closed by JUnit with the owning context. */
    private static final class Resource implements ExtensionContext.Store.CloseableResource {
        final NvmegateTarget target;
        final Path tempDir;

        private Resource(NvmegateTarget target, Path tempDir) {
            this.target = target;
            this.tempDir = tempDir;
        }

        static Resource start(NvmegateTest a) {
            Path dir = null;
            try {
                Backend backend;
                switch (a.backend()) {
                    case NULL -> backend = Backend.NULL;
                    case MEMORY -> backend = Backend.MEMORY;
                    default -> {
                        dir = Files.createTempDirectory("nvmegate-test-");
                        backend = Backend.rocksdb(dir);
                    }
                }
                NvmegateTarget.Builder b = NvmegateTarget.builder().listener("127.0.0.1", 0)
                        .transport(TcpTransportOptions.defaults().withMaxQueueDepth(a.maxQueueDepth()).withMaxIoSize(a.maxIoSize()));
                if (a.discovery()) b.discovery("127.0.0.1", 0);
                for (String nqn : a.subsystems()) {
                    b.subsystem(nqn);
                    for (NvmegateNamespace n : a.namespaces()) {
                        b.namespace(nqn, n.nsid(), NamespaceSpec.parseSize(n.size()), n.blockSize(), backend);
                    }
                }
                return new Resource(b.build().startAndAwait(), dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                deleteQuietly(dir);
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                target.close();
            } finally {
                deleteQuietly(tempDir);
            }
        }

        private static void deleteQuietly(Path dir) {
            if (dir == null) return;
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }
}
