package dev.umbra.engine.sql;

/**
 * Where every new session gets the account's password: read again for each login, so that a
 * password rotated while a migration runs (its Secret updated, the account changed) is used by the
 * sessions opened after that, without a restart. Never logged.
 */
@FunctionalInterface
public interface PasswordSource {

    String currentPassword();
}
