package dev.umbra.engine.cli;

import dev.umbra.engine.plan.ConnectionSettings;
import dev.umbra.engine.plan.HostName;
import dev.umbra.engine.plan.Identifier;
import dev.umbra.engine.plan.TableName;
import dev.umbra.engine.tls.TlsMode;
import dev.umbra.engine.tls.TlsSettings;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The flags that say which table on which server, and how to log in: one set for {@code umbra
 * migrate} and {@code umbra revert}. Each value is checked before anything connects, each error
 * naming its flag; the password is never printed.
 */
final class ServerLogin {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "The writer (primary). Default: ${DEFAULT-VALUE}.")
    private String host;

    @Option(names = "--port", defaultValue = "3306", paramLabel = "PORT", description = "Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--user", required = true, paramLabel = "USER", description = "The user to log in as.")
    private String user;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "The password; or set " + MigrateCommand.PASSWORD_VARIABLE + " (safer: not visible in the process list)."
                    + " Never printed.")
    private String password;

    @Option(names = "--ssl-mode", paramLabel = "MODE",
            description = "TLS for every session, the binlog stream included: DISABLED, PREFERRED (TLS if offered,"
                    + " unverified), REQUIRED (TLS, unverified), VERIFY_CA, VERIFY_IDENTITY (the certificate must name"
                    + " --host; recommended). Default: VERIFY_CA with --ssl-ca, else PREFERRED.")
    private String sslMode;

    @Option(names = "--ssl-ca", paramLabel = "FILE",
            description = "PEM file of the CA that signs the server's certificate (only it is trusted); default:"
                    + " the system's trusted CAs.")
    private Path sslCa;

    @Option(names = "--ssl-cert", paramLabel = "FILE", description = "PEM file of a client certificate, with --ssl-key.")
    private Path sslCert;

    @Option(names = "--ssl-key", paramLabel = "FILE",
            description = "PEM file of the client certificate's private key (unencrypted), with --ssl-cert.")
    private Path sslKey;

    @Option(names = "--database", required = true, paramLabel = "SCHEMA", description = "The table's database.")
    private String database;

    @Option(names = "--table", required = true, paramLabel = "TABLE", description = "The table.")
    private String table;

    /** The login for the sessions, checked; the password from the flag or {@code UMBRA_PASSWORD}. */
    ConnectionSettings settings(UmbraCli cli) {
        String secret = password != null ? password : cli.environment(MigrateCommand.PASSWORD_VARIABLE);
        try {
            HostName.check(host, "--host");
            Identifier.check(database, "--database");
            Identifier.check(table, "--table");
            return new ConnectionSettings(host, port, user, secret, tls());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    String database() {
        return database;
    }

    String table() {
        return table;
    }

    TableName tableName() {
        return new TableName(database, table);
    }

    String user() {
        return user;
    }

    /** {@code host:port}, for messages. */
    String address() {
        return host + ":" + port;
    }

    private TlsSettings tls() {
        TlsMode mode;
        if (sslMode != null) {
            try {
                mode = TlsMode.parse(sslMode);
            } catch (IllegalArgumentException e) {
                throw usage("--ssl-mode: " + e.getMessage() + ".");
            }
        } else {
            // as the mysql client does: a CA without a mode means checking the server against it
            mode = sslCa != null ? TlsMode.VERIFY_CA : TlsMode.PREFERRED;
        }
        String ca = readPem(sslCa, "--ssl-ca");
        String certificate = readPem(sslCert, "--ssl-cert");
        String key = readPem(sslKey, "--ssl-key");
        try {
            return new TlsSettings(mode, ca, certificate, key);
        } catch (IllegalArgumentException e) {
            throw usage("TLS (--ssl-mode, --ssl-ca, --ssl-cert, --ssl-key): " + e.getMessage() + ".");
        }
    }

    private String readPem(Path file, String option) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (MalformedInputException e) {
            throw usage(option + ": " + file + " is not a PEM text file.");
        } catch (IOException e) {
            throw usage(option + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ").");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
