package dev.umbra.engine.unique;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.alter.AlterParser;
import dev.umbra.engine.table.Column;
import dev.umbra.engine.table.ColumnMapping;
import dev.umbra.engine.table.TableSchema;
import dev.umbra.engine.table.UniqueKey;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The clause that lets the copy and the applier overwrite only the row of the same migration key:
 * any other collision must fail, as an error the engine recognises as a collision.
 */
class ConflictClauseTest {

    @Test
    void theSentinelIsANotNullKeyColumnAndOnlyItsNullErrorIsACollision() throws Exception {
        ConflictClause clause = new ConflictClause("s", "_t_gho", mapping(false));

        assertThat(ConflictClause.sentinelOf(mapping(false)).orElseThrow().ghostName()).isEqualTo("id");
        assertThat(clause.overwrite()).startsWith(" ON DUPLICATE KEY UPDATE `id` = IF(`id` <=> VALUES(`id`), VALUES(`id`), NULL)")
                .contains("`email` = VALUES(`email`)");
        assertThat(clause.keepExisting()).isEqualTo(" ON DUPLICATE KEY UPDATE `s`.`_t_gho`.`id` = IF(`s`.`_t_gho`.`id`"
                + " <=> VALUES(`id`), `s`.`_t_gho`.`id`, NULL)");
        assertThat(clause.isConflict(new SQLException("Duplicate entry 'x' for key 'email'", "23000", 1062))).isTrue();
        assertThat(clause.isConflict(new SQLException("Column 'id' cannot be null", "23000", 1048))).isTrue();
        assertThat(clause.isConflict(new SQLException("Column 'email' cannot be null", "23000", 1048)))
                .as("a NULL error of another column is a real error").isFalse();
        assertThat(clause.isConflict(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isFalse();
    }

    @Test
    void aGeneratedKeyColumnCannotBeTheSentinelSoTheFirstWrittenNotNullColumnIs() throws Exception {
        assertThat(ConflictClause.sentinelOf(mapping(true)).orElseThrow().ghostName()).isEqualTo("id");
    }

    /** id (or a generated k) as the key, a NOT NULL email with a unique key. */
    private static ColumnMapping mapping(boolean generatedKey) throws Exception {
        Column id = new Column("id", 1, "int", "int", null, null, false, false, "");
        Column email = new Column("email", 2, "varchar", "varchar(64)", "utf8mb4", "utf8mb4_general_ci", false, false, "");
        Column k = new Column("k", 3, "int", "int", null, null, false, true, "(`id` * 2)");
        List<Column> columns = generatedKey ? List.of(id, email, k) : List.of(id, email);
        List<UniqueKey> keys = List.of(new UniqueKey("PRIMARY", List.of(generatedKey ? "k" : "id"), false),
                new UniqueKey("email", List.of("email"), false));
        TableSchema table = new TableSchema("s", "t", "InnoDB", columns, keys);
        return ColumnMapping.build(table, table, AlterParser.parse("t", "ADD COLUMN c INT", false));
    }
}
