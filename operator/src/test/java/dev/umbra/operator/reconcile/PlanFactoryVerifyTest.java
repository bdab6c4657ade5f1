package dev.umbra.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.operator.model.DatabaseSpec;
import dev.umbra.operator.model.SchemaMigrationSpec;
import dev.umbra.operator.model.SecretReference;
import org.junit.jupiter.api.Test;

/** {@code spec.verify} reaches the engine: the checksum before cut-over is on unless it says false. */
class PlanFactoryVerifyTest {

    @Test
    void verifyIsOnByDefaultAndOffOnlyWhenTheSpecSaysFalse() throws Exception {
        SchemaMigrationSpec spec = spec();
        assertThat(PlanFactory.plan(spec, credentials(), false).options().verify()).isTrue();
        spec.setVerify(true);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().verify()).isTrue();
        spec.setVerify(false);
        assertThat(PlanFactory.plan(spec, credentials(), false).options().verify()).isFalse();
    }

    /** A valid spec for PlanFactory tests; each test sets what it is about. */
    static SchemaMigrationSpec spec() {
        DatabaseSpec database = new DatabaseSpec();
        database.setHost("db.example");
        database.setSchema("shop");
        database.setCredentialsSecretRef(new SecretReference("shop-db-migrator"));
        SchemaMigrationSpec spec = new SchemaMigrationSpec();
        spec.setDatabase(database);
        spec.setTable("users");
        spec.setAlter("ADD COLUMN status TINYINT");
        return spec;
    }

    static DatabaseCredentials credentials() {
        return new DatabaseCredentials("umbra", "secret");
    }
}
