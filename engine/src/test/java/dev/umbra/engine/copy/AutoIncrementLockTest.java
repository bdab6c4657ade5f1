package dev.umbra.engine.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import java.sql.Connection;

/**
 * Chunks follow each other back to back only where they do not hold the ghost's AUTO-INC lock:
 * MariaDB and MySQL 5.7 run {@code innodb_autoinc_lock_mode=1} by default, MySQL 8.0 runs 2.
 */
class AutoIncrementLockTest {

    @EveryFlavor
    void eachChunkHoldsTheAutoIncLockOnlyInModesBelowTwoAndOnlyForAnAutoIncrementTable(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE with_counter (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT) ENGINE=InnoDB",
                "CREATE TABLE without_counter (id BIGINT NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB");
        boolean modeBelowTwo = db.flavor() != Flavor.MYSQL_8_0;
        try (Connection connection = db.connect()) {
            assertThat(AutoIncrementLock.heldByEachChunk(connection, db.schema(), "with_counter")).isEqualTo(modeBelowTwo);
            assertThat(AutoIncrementLock.heldByEachChunk(connection, db.schema(), "without_counter")).isFalse();
        }
    }
}
