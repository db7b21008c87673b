package io.baton.embedded;

/** A running PostgreSQL cluster, whichever way it was started. */
interface PostgresProcess {

    /** Stops the cluster (fast shutdown) and waits for it; never throws. */
    void stop();
}
