package dev.umbra.engine.alter;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A unique or primary key that the alter text adds, either as {@code ADD UNIQUE / ADD PRIMARY KEY}
 * or as a column attribute ({@code UNIQUE}, {@code PRIMARY KEY}, {@code SERIAL}).
 *
 * <p>The engine needs these because copying rows into a ghost table with a new unique key silently
 * drops duplicates, and because the key chosen for chunking must exist, with the same columns, in
 * both the old and the new shape.
 *
 * @param name the key name as written ({@code PRIMARY} for a primary key); empty when the user gave
 *     none and the server will pick one
 * @param columns the key's columns in key order, unquoted; a prefix length ({@code email(10)}) is
 *     not kept, and a functional key part appears as its expression text in parentheses, e.g.
 *     {@code (lower(email))}
 * @param primary whether this is the primary key
 */
public record UniqueKeyDefinition(Optional<String> name, List<String> columns, boolean primary) {

    public UniqueKeyDefinition {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
    }
}
