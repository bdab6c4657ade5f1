package dev.umbra.testkit.sample;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new session to the sample database. */
@FunctionalInterface
public interface ConnectionSource {

    Connection open() throws SQLException;
}
