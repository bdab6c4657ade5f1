package dev.umbra.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.testkit.EveryFlavor;
import dev.umbra.testkit.Flavor;
import dev.umbra.testkit.TestDatabase;
import dev.umbra.testkit.sample.TableContents;
import java.util.ArrayList;
import java.util.List;

/** {@code umbra migrate} tries an instant ALTER by default, and copies with {@code --no-instant-ddl}. */
class CliInstantDdlTest {

    @EveryFlavor
    void instantByDefaultWhereTheServerCanAndCopyWhenDisabled(TestDatabase db) throws Exception {
        UmbraCommand.createTable(db, 200);
        List<String> before = TableContents.rows(db, "t", UmbraCommand.COLUMNS);

        UmbraCommand.Result instant = UmbraCommand.run(migrate(db, "ADD COLUMN status TINYINT NOT NULL DEFAULT 1"));
        UmbraCommand.Result copied = UmbraCommand.run(migrate(db, "ADD COLUMN other INT NULL", "--no-instant-ddl",
                "--ok-to-drop-table"));

        assertThat(instant.exitCode()).as(instant.toString()).isZero();
        assertThat(copied.exitCode()).as(copied.toString()).isZero();
        if (db.flavor() == Flavor.MYSQL_5_7) {
            assertThat(instant.err()).contains("by an online copy");
        } else {
            assertThat(instant.err()).contains("instant ALTER").contains("no rows were copied");
        }
        assertThat(copied.err()).contains("by an online copy");
        assertThat(TableContents.createStatement(db, "t")).contains("`status` tinyint").contains("`other` int");
        assertThat(TableContents.rows(db, "t", UmbraCommand.COLUMNS)).isEqualTo(before);
    }

    /** Like {@link UmbraCommand#migrate} but without its {@code --no-instant-ddl}, unless given. */
    private static String[] migrate(TestDatabase db, String alter, String... more) {
        List<String> args = new ArrayList<>(UmbraCommand.connection(db));
        args.remove("--no-instant-ddl");
        args.addAll(List.of("--password", db.password(), "--table", "t", "--alter", alter, "--execute",
                "--initially-drop-old-table"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
