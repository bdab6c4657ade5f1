package dev.umbra.operator.playground;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new session to the sample database. */
@FunctionalInterface
public interface ConnectionSource {

    Connection open() throws SQLException;
}
