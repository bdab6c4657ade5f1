package dev.umbra.engine.checkpoint;

import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.sql.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A table's definition as a SHA-256 of the server's own {@code SHOW CREATE TABLE}, without the
 * table's name (the ghost's definition is compared whatever it is called) and without the
 * AUTO_INCREMENT counter (it moves with every insert). Two fingerprints are equal exactly when the
 * columns, keys, indexes and options are.
 */
public final class TableFingerprint {

    private TableFingerprint() {
    }

    /** The fingerprint, or empty if the table does not exist. */
    public static Optional<String> of(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW CREATE TABLE " + Sql.qualified(table))) {
            if (!row.next()) {
                return Optional.empty();
            }
            String definition = row.getString(2);
            int body = definition.indexOf('\n');
            String withoutName = body < 0 ? definition : definition.substring(body + 1);
            return Optional.of(sha256(withoutName.replaceAll(" AUTO_INCREMENT=\\d+", "")));
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) { // ER_NO_SUCH_TABLE
                return Optional.empty();
            }
            throw e;
        }
    }

    public static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
