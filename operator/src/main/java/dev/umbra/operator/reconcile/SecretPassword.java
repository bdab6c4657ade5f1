package dev.umbra.operator.reconcile;

import dev.umbra.engine.sql.PasswordSource;
import dev.umbra.operator.model.DatabaseSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password of a running migration's account, read from its Secret again when a session logs in
 * (at most once a second: a reconnect storm opens many sessions at once), so that a password
 * rotated in the Secret is used from the next reconnect on. A Secret that cannot be read then keeps
 * the last password it held; the message names the Secret, never a value.
 */
final class SecretPassword implements PasswordSource {

    private static final Logger log = LoggerFactory.getLogger(SecretPassword.class);
    private static final Duration FRESH_FOR = Duration.ofSeconds(1);

    private final Credentials credentials;
    private final String namespace;
    private final DatabaseSpec database;
    private final Clock clock;
    private String password;
    private Instant readAt;

    SecretPassword(Credentials credentials, String namespace, DatabaseSpec database, String readAtStart, Clock clock) {
        this.credentials = credentials;
        this.namespace = namespace;
        this.database = database;
        this.clock = clock;
        this.password = readAtStart;
        this.readAt = clock.instant();
    }

    @Override
    public synchronized String currentPassword() {
        Instant now = clock.instant();
        if (now.isBefore(readAt.plus(FRESH_FOR))) {
            return password;
        }
        try {
            password = credentials.read(namespace, database).password();
        } catch (InvalidMigrationException | RuntimeException e) {
            log.warn("Reading the password again failed ({}); the sessions log in with the one read before", e.getMessage());
        }
        readAt = now;
        return password;
    }
}
