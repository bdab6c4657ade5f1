package dev.umbra.engine.table;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which type changes keep every value: the revert verdict calls a widening reversible (checked value
 * by value) and its opposite a narrowing that loses precision.
 */
class TypeWideningTest {

    @ParameterizedTest(name = "{0} -> {1}: widens {2}")
    @CsvSource(delimiter = '|', value = {
            "int | bigint | true",
            "bigint | int | false",
            "int unsigned | bigint | true",
            "int unsigned | int | false",
            "int | int unsigned | false",
            "tinyint | smallint unsigned | false",
            "float | double | true",
            "double | float | false",
            "decimal(6,2) | decimal(9,3) | true",
            "decimal(10,4) | decimal(10,2) | false",
            "decimal(6,2) | decimal(6,3) | false",
            "decimal(6,2) | decimal(7,3) | true",
            "varchar(20) | varchar(40) | true",
            "varchar(40) | varchar(20) | false",
            "varchar(20) | text | true",
            "varchar(20) | tinytext | false",
            "char(10) | varchar(10) | false",
            "text | mediumtext | true",
            "mediumtext | text | false",
            "varbinary(10) | blob | true",
            "datetime | datetime(3) | true",
            "datetime(6) | datetime | false",
            "enum('a','b') | enum('a','b','c') | true",
            "enum('a','b') | enum('b','a') | false",
            "enum('a','b') | enum('a','bc') | false",
            "int | varchar(20) | false",
    })
    void knowsWhichChangesKeepEveryValue(String from, String to, boolean widens) {
        assertThat(TypeWidening.widens(column(from), column(to))).isEqualTo(widens);
    }

    private static Column column(String type) {
        String base = type.replaceAll("[ (].*", "");
        boolean text = base.contains("char") || base.contains("text") || base.equals("enum");
        return new Column("c", 1, base, type, text ? "utf8mb4" : null, text ? "utf8mb4_general_ci" : null, true, false, "");
    }
}
