package io.baton.embedded;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Options for the {@link EmbeddedEnvironment} that {@link EmbeddedEnvironmentExtension} starts for a
 * test class; put it on the test class (or an enclosing class). Without it, the defaults of
 * {@link EmbeddedEnvironment#builder()} apply.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EmbeddedEnvironmentOptions {

    /**
     * Which PostgreSQL binaries to run. The system property {@code baton.embedded.flavor}
     * ({@code EMBEDDED} or {@code SYSTEM}), when set, overrides this.
     */
    PostgresServer.Flavor flavor() default PostgresServer.Flavor.EMBEDDED;

    /** Database created on the source. */
    String sourceDatabase() default "app";

    /** Database created on the target. */
    String targetDatabase() default "app";

    /** The database name PgBouncer clients use. */
    String pgbouncerAlias() default "app";

    /** Whether to start a Kafka broker (about 4 s of start-up and 512 MB of heap). */
    boolean kafka() default true;

    /** Whether to start PgBouncer in front of the source database. */
    boolean pgbouncer() default true;

    /**
     * Whether both clusters serve TLS only, with a certificate signed by a CA made for the
     * environment ({@link EmbeddedEnvironment#certificateAuthority()}).
     */
    boolean tls() default false;

    /**
     * Whether the Kafka broker serves TLS only, with a certificate for 127.0.0.1 signed by the
     * environment's CA ({@link EmbeddedEnvironment#certificateAuthority()}); clients connect with
     * {@link KafkaBroker#clientProperties()}. Independent of {@link #tls()}.
     */
    boolean kafkaTls() default false;
}
