package io.baton.embedded;

import io.baton.BatonException;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that starts one {@link EmbeddedEnvironment} per test class, on first use, and
 * injects it into test methods, lifecycle methods ({@code @BeforeAll}, {@code @BeforeEach}, ...) and
 * constructors that declare a parameter of type {@link EmbeddedEnvironment}. The environment is kept in
 * the test class's {@link ExtensionContext.Store} and closed by JUnit when the class finishes.
 *
 * <p>Options come from {@link EmbeddedEnvironmentOptions} on the test class. This extension is the one
 * place where integration tests get their servers, so that another implementation (for example one
 * based on Testcontainers) can replace it in a Maven profile.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedEnvironmentExtension.class)
 * class CaptureIT {
 *     @Test
 *     void shouldStream(EmbeddedEnvironment env) { ... env.source().connect(env.sourceDatabase()) ... }
 * }
 * }</pre>
 */
public final class EmbeddedEnvironmentExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedEnvironmentExtension.class);

    /** Creates the extension; JUnit calls this. */
    public EmbeddedEnvironmentExtension() {
        // stateless: the environment lives in the test class's store
    }

    /** Returns true for parameters of type {@link EmbeddedEnvironment}. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedEnvironment.class;
    }

    /**
     * Returns the test class's environment, starting it on first use.
     *
     * @throws BatonException if it cannot be started
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        ExtensionContext classContext = classContext(extensionContext);
        Class<?> testClass = classContext.getRequiredTestClass();
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(testClass.getName(),
                key -> start(testClass), EmbeddedEnvironment.class);
    }

    /** Returns the nearest context that belongs to a test class rather than a test method. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    private static EmbeddedEnvironment start(Class<?> testClass) {
        Optional<EmbeddedEnvironmentOptions> options = findOptions(testClass);
        EmbeddedEnvironment.Builder builder = EmbeddedEnvironment.builder();
        options.ifPresent(o -> builder.flavor(o.flavor())
                .sourceDatabase(o.sourceDatabase())
                .targetDatabase(o.targetDatabase())
                .pgbouncerAlias(o.pgbouncerAlias())
                .withKafka(o.kafka())
                .withPgBouncer(o.pgbouncer())
                .withTls(o.tls())
                .withKafkaTls(o.kafkaTls()));
        String flavor = System.getProperty("baton.embedded.flavor");
        if (flavor != null && !flavor.isBlank()) {
            try {
                builder.flavor(PostgresServer.Flavor.valueOf(flavor.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new BatonException("System property baton.embedded.flavor=" + flavor
                        + " is not a flavor: use EMBEDDED or SYSTEM", e);
            }
        }
        return builder.start();
    }

    private static Optional<EmbeddedEnvironmentOptions> findOptions(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            Optional<EmbeddedEnvironmentOptions> found =
                    AnnotationSupport.findAnnotation(type, EmbeddedEnvironmentOptions.class);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
