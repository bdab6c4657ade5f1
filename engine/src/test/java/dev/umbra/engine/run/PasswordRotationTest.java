package dev.umbra.engine.run;

import static dev.umbra.engine.run.ThrottleTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.engine.progress.Phase;
import dev.umbra.engine.testing.BackgroundMigration;
import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.MirroredWriter;
import dev.umbra.testkit.sample.SampleTable;
import dev.umbra.testkit.sample.TableContents;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The account's password is changed while a migration runs (a rotated Secret): every session the
 * run opens after that logs in with the new one, its lock's session and binlog stream included,
 * and the run finishes. The password is asked for at each login, never kept from the start.
 */
class PasswordRotationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String FIRST = "First-Rotation-Pa55";
    private static final String SECOND = "Second-Rotation-Pa55";

    @EveryFlavor
    void sessionsOpenedAfterAPasswordChangeUseTheNewPassword(TestDatabase db) throws Exception {
        SampleTable.create(db::connect, "items", 1_000);
        String user = "rot" + Long.toHexString(System.nanoTime());
        db.server().executeAsRoot("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + FIRST + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK TABLES ON `" + db.schema() + "`.* TO '"
                        + user + "'@'%'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'%'");
        try {
            AtomicReference<String> secret = new AtomicReference<>(FIRST);
            BackgroundMigration migration = new BackgroundMigration(new MigrationPlan(new ConnectionSettings(db.host(), db.port(),
                    user, FIRST), db.schema(), "items", "ADD COLUMN status TINYINT NOT NULL DEFAULT 1",
                    MigrationOptions.defaults().withInstantDdl(false)));
            migration.runner().setPasswordSource(secret::get);
            migration.start();
            migration.awaitPhase(Phase.AWAITING_CUT_OVER, TIMEOUT);
            long firstLockSession = TableOwnershipTest.lockHolder(db, "items").orElseThrow();

            db.server().executeAsRoot("ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + SECOND + "'");
            secret.set(SECOND);
            assertThat(db.server().killSessionsOf(user)).as("the migration's sessions").isPositive();
            assertThatThrownBy(() -> login(db, user, FIRST)).as("the old password is refused now").isInstanceOf(SQLException.class);

            await(() -> TableOwnershipTest.lockHolder(db, "items").stream().anyMatch(holder -> holder != firstLockSession),
                    "the lock to be held by a session logged in again");
            migration.runner().control().approveCutOver();
            assertThat(migration.awaitEnd(TIMEOUT).phase()).isEqualTo(Phase.DONE);
            assertThat(TableContents.createStatement(db, "items")).contains("`status`");
        } finally {
            db.server().executeAsRoot("DROP USER '" + user + "'@'%'");
        }
    }

    private static void login(TestDatabase db, String user, String password) throws SQLException {
        try (Connection ignored = DriverManager.getConnection("jdbc:mysql://" + db.host() + ":" + db.port()
                + "/?allowPublicKeyRetrieval=true&useSSL=false", user, password)) {
            // logged in
        }
    }
}
