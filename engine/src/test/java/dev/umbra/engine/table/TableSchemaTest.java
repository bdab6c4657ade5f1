package dev.umbra.engine.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The index a range read of the ghost names: one whose leading columns are the migration key's. */
class TableSchemaTest {

    @Test
    void theKeyLedByTheColumnsIsFoundWhateverItsNameAndThePrimaryKeyIsPreferred() {
        UniqueKey byName = new UniqueKey("uk_id_b", List.of("id", "b"), false);
        UniqueKey primary = new UniqueKey("PRIMARY", List.of("ID", "b", "c"), false);
        UniqueKey other = new UniqueKey("uk_b", List.of("b"), false);

        assertThat(schema(byName, other, primary).uniqueKeyLedBy(List.of("id"))).contains(primary);
        assertThat(schema(byName, other).uniqueKeyLedBy(List.of("id", "b"))).contains(byName);
        assertThat(schema(byName, other).uniqueKeyLedBy(List.of("b", "id"))).as("the order of the columns counts").isEmpty();
        assertThat(schema(other).uniqueKeyLedBy(List.of("id"))).isEmpty();
        assertThat(schema(other).uniqueKeyLedBy(List.of("b", "c"))).as("shorter than the columns").isEmpty();
    }

    private static TableSchema schema(UniqueKey... keys) {
        return new TableSchema("db", "t", "InnoDB", List.of(), List.of(keys));
    }
}
