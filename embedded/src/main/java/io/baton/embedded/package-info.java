/**
 * Starts real servers on the loopback interface for the {@code baton demo} command and for
 * integration tests: PostgreSQL clusters ({@link io.baton.embedded.PostgresServer}), a Kafka
 * KRaft broker in a child JVM ({@link io.baton.embedded.KafkaBroker}), PgBouncer
 * ({@link io.baton.embedded.PgBouncer}), all of them together
 * ({@link io.baton.embedded.EmbeddedEnvironment}) and a JUnit 5 extension that hands such an
 * environment to tests ({@link io.baton.embedded.EmbeddedEnvironmentExtension}).
 *
 * <p>Every server listens on {@code 127.0.0.1} only, on a free port chosen at start-up, and keeps
 * its files under one work directory. Failures are reported as {@link io.baton.BatonException}
 * with the reason and the fix.
 */
package io.baton.embedded;
