package dev.umbra.operator.runner;

/** What {@link MigrationRuns#tryStart} did. */
public sealed interface StartOutcome {

    /** The run began on the pool. */
    record Started(ActiveMigration migration) implements StartOutcome {
    }

    /** Another SchemaMigration ({@code namespace/name}) is migrating the same table. */
    record TableBusy(String aheadOf) implements StartOutcome {
    }

    /** The operator is stopping: nothing new starts (the next operator starts it). */
    record ShuttingDown() implements StartOutcome {
    }

    /**
     * The last run found the table's migration lock held by a run outside this operator (another
     * operator, the CLI) and retries after a pause; the status already says who holds it.
     */
    record RetryLater() implements StartOutcome {
    }

    /** Every runner slot is taken. */
    record NoFreeSlot(int limit) implements StartOutcome {
    }
}
