package dev.umbra.engine.table;

import java.util.List;

/**
 * A PRIMARY KEY or UNIQUE index.
 *
 * @param name     {@code PRIMARY} for the primary key
 * @param columns  column names in index order
 * @param nullable whether any column allows NULL (then it cannot identify rows)
 */
public record UniqueKey(String name, List<String> columns, boolean nullable) {

    public boolean isPrimary() {
        return "PRIMARY".equals(name);
    }
}
