package dev.umbra.engine.alter;

import io.debezium.ddl.parser.mysql.generated.MySqlParser;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.AlterAlgorithmOptionContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.AlterListItemContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.AlterLockOptionContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.AlterTableActionsContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.ColumnAttributeContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.CreateTableOptionContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.FieldDefinitionContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.IdentifierContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.KeyPartOrExpressionContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.ReferencesContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.StandaloneAlterCommandsContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.TableConstraintDefContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.TableElementContext;
import io.debezium.ddl.parser.mysql.generated.MySqlParser.UlonglongNumberContext;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * Walks the parse tree of one ALTER TABLE's clauses: refuses the clauses Umbra cannot run on a
 * ghost table, and collects the facts that the copy and the cut-over depend on.
 *
 * <p>Facts come only from grammar rules (a {@code RENAME TO} is an {@code alterListItem} with a
 * table name), never from words in the text, so names and comments that merely contain such
 * words cannot be mistaken for clauses.
 */
final class ClauseAnalyzer {

    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

    private final SourceText source;
    private final boolean allowForeignKeys;

    private final Map<String, String> renames = new LinkedHashMap<>();
    private final Set<String> dropped = new LinkedHashSet<>();
    private final Set<String> added = new LinkedHashSet<>();
    private final Set<String> modified = new LinkedHashSet<>();
    private final List<UniqueKeyDefinition> uniqueKeys = new ArrayList<>();
    private boolean changesPrimaryKey;
    private OptionalLong autoIncrement = OptionalLong.empty();
    private boolean addsForeignKey;

    ClauseAnalyzer(SourceText source, boolean allowForeignKeys) {
        this.source = source;
        this.allowForeignKeys = allowForeignKeys;
    }

    ParsedAlter analyze(AlterTableActionsContext actions) {
        StandaloneAlterCommandsContext standalone = actions.standaloneAlterCommands();
        if (standalone != null) {
            refuseStandalone(standalone);
        }
        List<AlterAlgorithmOptionContext> algorithms =
                descendants(actions, AlterAlgorithmOptionContext.class);
        if (!algorithms.isEmpty()) {
            throw refuseAlgorithm(algorithms.get(0));
        }
        List<AlterLockOptionContext> locks = descendants(actions, AlterLockOptionContext.class);
        if (!locks.isEmpty()) {
            throw refuseLock(locks.get(0));
        }
        for (CreateTableOptionContext option :
                descendants(actions, CreateTableOptionContext.class)) {
            tableOption(option);
        }
        for (AlterListItemContext item : descendants(actions, AlterListItemContext.class)) {
            item(item);
        }
        for (ReferencesContext references : descendants(actions, ReferencesContext.class)) {
            foreignKey(references);
        }
        String clauseList = source.userSlice(actions);
        return new ParsedAlter(clauseList, renames, dropped, added, modified, uniqueKeys,
                changesPrimaryKey, autoIncrement, addsForeignKey);
    }

    private void item(AlterListItemContext item) {
        switch (item.getStart().getType()) {
            case MySqlParser.ADD_SYMBOL -> add(item);
            case MySqlParser.CHANGE_SYMBOL -> {
                String oldName = SqlIdentifiers.name(item.columnInternalRef());
                String newName = SqlIdentifiers.name(item.identifier());
                rename(oldName, newName);
                modified.add(newName);
                columnKeys(newName, item.fieldDefinition());
            }
            case MySqlParser.MODIFY_SYMBOL -> {
                String name = SqlIdentifiers.name(item.columnInternalRef());
                modified.add(name);
                columnKeys(name, item.fieldDefinition());
            }
            case MySqlParser.DROP_SYMBOL -> drop(item);
            case MySqlParser.RENAME_SYMBOL -> {
                if (item.COLUMN_SYMBOL() != null) {
                    rename(SqlIdentifiers.name(item.columnInternalRef()),
                            SqlIdentifiers.name(item.identifier()));
                } else if (item.tableName() != null) {
                    throw new InvalidAlterException("The alter text renames the table ("
                            + source.excerpt(item) + "). Umbra swaps tables itself at cut-over;"
                            + " remove the RENAME clause.");
                }
                // RENAME INDEX / KEY: nothing the copy needs to know.
            }
            default -> {
                // ALTER COLUMN ... DEFAULT, ALTER INDEX, CONVERT TO, FORCE, ORDER BY, ENABLE KEYS,
                // ...: run on the ghost table as they are.
            }
        }
    }

    private void add(AlterListItemContext item) {
        if (item.tableConstraintDef() != null) {
            constraint(item.tableConstraintDef());
        } else if (item.tableElementList() != null) {
            for (TableElementContext element : item.tableElementList().tableElement()) {
                if (element.columnDefinition() != null) {
                    String name = SqlIdentifiers.name(element.columnDefinition().columnName());
                    added.add(name);
                    columnKeys(name, element.columnDefinition().fieldDefinition());
                } else {
                    constraint(element.tableConstraintDef());
                }
            }
        } else {
            String name = SqlIdentifiers.name(item.identifier());
            added.add(name);
            columnKeys(name, item.fieldDefinition());
        }
    }

    private void drop(AlterListItemContext item) {
        if (item.PRIMARY_SYMBOL() != null) {
            changesPrimaryKey = true;
        } else if (item.FOREIGN_SYMBOL() != null) {
            if (!allowForeignKeys) {
                throw new InvalidAlterException("The alter text drops a foreign key ("
                        + source.excerpt(item) + "). Umbra moves the table's foreign keys to the new"
                        + " table as they are; dropping one only changes metadata, so drop it with a"
                        + " plain ALTER TABLE before the migration.");
            }
        } else if (item.keyOrIndex() != null) {
            // MySQL drops the primary key for DROP INDEX `PRIMARY` too.
            List<IdentifierContext> names = descendants(item.indexRef(), IdentifierContext.class);
            String index = SqlIdentifiers.name(names.get(names.size() - 1));
            if (index.equalsIgnoreCase("PRIMARY")) {
                changesPrimaryKey = true;
            }
        } else if (item.columnInternalRef() != null) {
            dropped.add(SqlIdentifiers.name(item.columnInternalRef()));
        }
    }

    private void rename(String oldName, String newName) {
        if (!oldName.equalsIgnoreCase(newName)) {
            renames.put(oldName, newName);
        }
    }

    /** Keys declared as column attributes: {@code UNIQUE}, {@code [PRIMARY] KEY}, {@code SERIAL}. */
    private void columnKeys(String column, FieldDefinitionContext definition) {
        boolean unique = definition.dataType().SERIAL_SYMBOL() != null;
        boolean primary = false;
        for (ColumnAttributeContext attribute : definition.columnAttribute()) {
            if (attribute.UNIQUE_SYMBOL() != null || attribute.SERIAL_SYMBOL() != null) {
                unique = true;
            } else if (attribute.KEY_SYMBOL() != null) {
                primary = true;
            }
        }
        if (primary) {
            changesPrimaryKey = true;
            uniqueKeys.add(new UniqueKeyDefinition(Optional.of("PRIMARY"), List.of(column), true));
        }
        if (unique) {
            uniqueKeys.add(new UniqueKeyDefinition(Optional.empty(), List.of(column), false));
        }
    }

    private void constraint(TableConstraintDefContext constraint) {
        if (constraint.FOREIGN_SYMBOL() != null) {
            return; // reported through its REFERENCES part
        }
        boolean primary = constraint.PRIMARY_SYMBOL() != null;
        if (!primary && constraint.UNIQUE_SYMBOL() == null) {
            return; // plain, FULLTEXT or SPATIAL index, or a CHECK constraint
        }
        Optional<String> name;
        if (primary) {
            changesPrimaryKey = true;
            name = Optional.of("PRIMARY");
        } else if (constraint.indexNameAndType() != null
                && constraint.indexNameAndType().indexName() != null) {
            name = Optional.of(SqlIdentifiers.name(constraint.indexNameAndType().indexName()));
        } else if (constraint.constraintName() != null
                && constraint.constraintName().identifier() != null) {
            name = Optional.of(SqlIdentifiers.name(constraint.constraintName().identifier()));
        } else {
            name = Optional.empty();
        }
        List<String> columns = new ArrayList<>();
        for (KeyPartOrExpressionContext part :
                constraint.keyListWithExpression().keyPartOrExpression()) {
            columns.add(part.keyPart() != null
                    ? SqlIdentifiers.name(part.keyPart().identifier())
                    : source.userSlice(part.exprWithParentheses()));
        }
        uniqueKeys.add(new UniqueKeyDefinition(name, columns, primary));
    }

    private void foreignKey(ReferencesContext references) {
        if (!allowForeignKeys) {
            ParserRuleContext clause = references;
            while (clause.getParent() != null && !(clause instanceof AlterListItemContext)) {
                clause = clause.getParent();
            }
            throw new InvalidAlterException("The alter text adds a foreign key ("
                    + source.excerpt(clause) + "). Umbra moves the table's existing foreign keys"
                    + " to the new table but does not add new ones (the copy would have to check"
                    + " every row against the parent); remove it from the alter text and add it"
                    + " with a plain ALTER TABLE after the migration.");
        }
        addsForeignKey = true;
    }

    private void tableOption(CreateTableOptionContext option) {
        if (option.AUTO_INCREMENT_SYMBOL() != null && option.ulonglongNumber() != null) {
            autoIncrement = OptionalLong.of(autoIncrementValue(option.ulonglongNumber()));
        } else if (option.getChild(0) instanceof IdentifierContext name) {
            // The grammar accepts any "word [=] word" as a table option, so clauses it would
            // otherwise recognise can land here: catch the ones Umbra must refuse.
            String word = SqlIdentifiers.name(name).toUpperCase(Locale.ROOT);
            switch (word) {
                case "ALGORITHM" -> throw refuseAlgorithm(option);
                case "LOCK" -> throw refuseLock(option);
                case "DISCARD", "IMPORT" -> throw refuseTablespace(option);
                default -> {
                    // an engine-specific option: the server judges it
                }
            }
        }
    }

    private long autoIncrementValue(UlonglongNumberContext number) {
        String digits = number.getText();
        if (number.INT_NUMBER() == null && number.LONG_NUMBER() == null
                && number.ULONGLONG_NUMBER() == null) {
            throw new InvalidAlterException("The alter text sets AUTO_INCREMENT to " + digits
                    + ", which is not a whole number. Give a whole number, e.g."
                    + " AUTO_INCREMENT=1000.");
        }
        BigInteger value = new BigInteger(digits);
        if (value.compareTo(MAX_LONG) > 0) {
            throw new InvalidAlterException("The alter text sets AUTO_INCREMENT to " + digits
                    + ", above the largest value Umbra supports (" + Long.MAX_VALUE + ")."
                    + " Give a smaller value.");
        }
        return value.longValueExact();
    }

    private void refuseStandalone(StandaloneAlterCommandsContext standalone) {
        if (standalone.alterPartition() == null && standalone.TABLESPACE_SYMBOL() != null) {
            throw refuseTablespace(standalone);
        }
        if (standalone.alterPartition() != null) {
            throw new InvalidAlterException("The alter text runs partition maintenance ("
                    + source.excerpt(standalone) + "). Umbra runs schema changes by copying into"
                    + " a ghost table, which does not apply to partition maintenance; run it"
                    + " directly on the table instead. (PARTITION BY and REMOVE PARTITIONING are"
                    + " supported.)");
        }
        throw new InvalidAlterException("The alter text has " + source.excerpt(standalone)
                + ", which is not a schema change Umbra can copy into a ghost table; run it"
                + " directly on the table instead.");
    }

    private InvalidAlterException refuseAlgorithm(ParserRuleContext clause) {
        return new InvalidAlterException("The alter text sets " + source.excerpt(clause)
                + ". Umbra picks the algorithm itself (it copies rows into a ghost table); remove"
                + " the ALGORITHM clause.");
    }

    private InvalidAlterException refuseLock(ParserRuleContext clause) {
        return new InvalidAlterException("The alter text sets " + source.excerpt(clause)
                + ". Umbra picks the locking itself (the table stays writable until the short"
                + " cut-over); remove the LOCK clause.");
    }

    private InvalidAlterException refuseTablespace(ParserRuleContext clause) {
        return new InvalidAlterException("The alter text discards or imports a tablespace ("
                + source.excerpt(clause) + "). That replaces the table's data files rather than"
                + " changing its schema, so Umbra cannot run it on a ghost table; run it directly"
                + " on the table instead.");
    }

    /** Every node of type {@code type} under {@code root}, in text order. */
    private static <T extends ParseTree> List<T> descendants(ParseTree root, Class<T> type) {
        List<T> found = new ArrayList<>();
        collect(root, type, found);
        return found;
    }

    private static <T extends ParseTree> void collect(ParseTree node, Class<T> type, List<T> found) {
        if (type.isInstance(node)) {
            found.add(type.cast(node));
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            collect(node.getChild(i), type, found);
        }
    }
}
