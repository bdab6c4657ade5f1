package dev.umbra.engine.testing;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.MigrationOptions;
import dev.umbra.engine.plan.MigrationPlan;
import dev.umbra.testkit.TestDatabase;

/** Plans for tests. */
public final class Migrations {

    private Migrations() {
    }

    public static ConnectionSettings settings(TestDatabase db) {
        return new ConnectionSettings(db.host(), db.port(), db.user(), db.password());
    }

    /** A plan that cuts over as soon as it is ready. */
    public static MigrationPlan plan(TestDatabase db, String table, String alter) {
        return plan(db, table, alter, MigrationOptions.defaults().withInstantDdl(false).withAutoApproveCutOver(true));
    }

    public static MigrationPlan plan(TestDatabase db, String table, String alter, MigrationOptions options) {
        return new MigrationPlan(settings(db), db.schema(), table, alter, options);
    }
}
