package dev.umbra.engine.throttle;

import dev.umbra.engine.sql.Connections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads global status variables of the writer through one session kept open between reads. */
final class WriterStatus implements AutoCloseable {

    private final Connections writer;
    private Connection session;

    WriterStatus(Connections writer) {
        this.writer = writer;
    }

    /** The numeric values of these variables, keyed by their lower-case names. */
    Map<String, Long> read(Set<String> variables) throws SQLException {
        try {
            if (session == null || session.isClosed()) {
                session = writer.open();
            }
            Map<String, Long> values = new HashMap<>();
            try (PreparedStatement statement = session.prepareStatement("SHOW GLOBAL STATUS LIKE ?")) {
                for (String variable : variables) {
                    statement.setString(1, variable);
                    try (ResultSet row = statement.executeQuery()) {
                        if (row.next()) {
                            try {
                                values.put(variable.toLowerCase(Locale.ROOT), Long.parseLong(row.getString(2).trim()));
                            } catch (NumberFormatException ignored) {
                                // not a counter: it cannot exceed a limit
                            }
                        }
                    }
                }
            }
            return values;
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
            session = null;
        }
    }
}
