package dev.umbra.engine.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.inspect.Inspection;
import dev.umbra.engine.inspect.Inspector;
import dev.umbra.engine.logging.Diagnostics;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.sql.Connections;
import dev.umbra.engine.testing.Migrations;
import dev.umbra.engine.unique.ConflictClause;
import dev.umbra.engine.unique.ConflictResolver;
import dev.umbra.engine.unique.HeldRows;
import dev.umbra.engine.unique.RowRefresher;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The chunk copy reads the original with a locking read. Its locks must end with its statement: a
 * session lost just after the statement (a client that dies, a KILL that MySQL 5.7 leaves waiting
 * for the next command) would otherwise keep the application's writers waiting on the copied rows
 * until the server ends the session.
 */
class ChunkCopierTest {

    @EveryFlavor
    void aChunkCopyHoldsNoLockOnTheOriginalOnceItsStatementHasEnded(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        db.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        MigrationPlan plan = Migrations.plan(db, "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                MigrationOptions.defaults().withInstantDdl(false));
        CountDownLatch clientMayGo = new CountDownLatch(1);
        CountDownLatch clientStalled = new CountDownLatch(1);
        try (Connections connections = new Connections(Migrations.settings(db), db.schema());
             Connection session = connections.open()) {
            Inspection inspection = new Inspector(plan).inspect(session);
            ChunkCopier copier = copierFor(plan, inspection);
            Connection stallsAfterItsStatements = stallingBeforeCommitOrRollback(session, clientStalled, clientMayGo);

            CompletableFuture<Integer> copy = CompletableFuture.supplyAsync(() -> {
                try {
                    return copier.copyRange(stallsAfterItsStatements, null, List.of(3));
                } catch (SQLException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!copy.isDone() && clientStalled.getCount() > 0) {
                    assertThat(System.nanoTime()).as("the copy's statement ends within 30 s").isLessThan(deadline);
                    Thread.sleep(10);
                }
                try (Connection writer = db.connect(); Statement statement = writer.createStatement()) {
                    statement.execute("SET SESSION innodb_lock_wait_timeout = 2");
                    // Fails with "Lock wait timeout exceeded" if the copy's read locks outlived its statement.
                    assertThat(statement.executeUpdate("UPDATE items SET name = 'TWO' WHERE id = 2")).isEqualTo(1);
                }
            } finally {
                clientMayGo.countDown();
            }
            assertThat(copy.get(30, TimeUnit.SECONDS)).isEqualTo(3);
        }
    }

    private static ChunkCopier copierFor(MigrationPlan plan, Inspection inspection) {
        String ghost = inspection.helpers().ghost();
        ConflictClause clause = new ConflictClause(plan.schema(), ghost, inspection.mapping());
        RowRefresher refresher = new RowRefresher(plan.schema(), plan.table(), ghost, inspection.mapping(), clause);
        ConflictResolver resolver = new ConflictResolver(plan.table(), new HeldRows(), refresher, () -> { }, Diagnostics.OFF);
        return new ChunkCopier(plan.schema(), plan.table(), ghost, inspection.mapping(), clause, resolver,
                inspection.server().sharedLockThatNeedNotWait(), Duration.ofMillis(500));
    }

    /**
     * The session as a client that stops talking after its statements: a commit or rollback waits
     * until the test lets it go, as one that never arrives would.
     */
    private static Connection stallingBeforeCommitOrRollback(Connection session, CountDownLatch clientStalled,
                                                             CountDownLatch clientMayGo) {
        return (Connection) Proxy.newProxyInstance(ChunkCopierTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("commit") || method.getName().equals("rollback")) {
                        clientStalled.countDown();
                        clientMayGo.await(30, TimeUnit.SECONDS);
                    }
                    try {
                        return method.invoke(session, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
