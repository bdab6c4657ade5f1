package dev.umbra.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command lines that initialise and start each flavor, as verified in shared/SERVERS.md. */
final class ServerCommands {

    private ServerCommands() {
    }

    static List<String> initialize(Flavor flavor, Path baseDir, Path dataDir) {
        if (flavor.isMariaDb()) {
            // The script has no exec bit in the jar and needs a shell; "normal" root auth gives
            // passwordless root over TCP from loopback, which the harness uses to set up users.
            return List.of("sh", baseDir.resolve("scripts/mariadb-install-db").toString(),
                    "--no-defaults", "--basedir=" + baseDir, "--datadir=" + dataDir, "--user=root",
                    "--auth-root-authentication-method=normal", "--skip-name-resolve", "--skip-test-db", "--force");
        }
        return List.of(baseDir.resolve("bin/mysqld").toString(),
                "--no-defaults", "--initialize-insecure", "--basedir=" + baseDir, "--datadir=" + dataDir,
                "--user=root", "--lc-messages-dir=" + baseDir.resolve("share"));
    }

    static List<String> start(Flavor flavor, ServerOptions options, Path baseDir, Path instanceDir, Path socket, int port,
            int serverId) {
        List<String> command = new ArrayList<>();
        command.add(baseDir.resolve(flavor.isMariaDb() ? "bin/mariadbd" : "bin/mysqld").toString());
        command.addAll(List.of(
                "--no-defaults",
                "--basedir=" + baseDir,
                "--datadir=" + instanceDir.resolve("data"),
                "--tmpdir=" + instanceDir.resolve("tmp"),
                "--user=root",
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + socket,
                "--pid-file=" + instanceDir.resolve("mysqld.pid"),
                "--log-error=" + instanceDir.resolve("error.log"),
                "--server-id=" + serverId,
                "--event-scheduler=ON",
                "--max-connections=500",
                // Throwaway test data: durability costs fsyncs the 2-core test machines cannot spare.
                "--innodb-flush-log-at-trx-commit=2",
                "--sync-binlog=0"));
        if (options.binlog()) {
            command.addAll(List.of("--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL", "--log-slave-updates"));
        } else if (!flavor.isMariaDb()) {
            command.add("--skip-log-bin"); // MySQL 8 logs by default
        }
        if (flavor.isMariaDb()) {
            // MariaDB 11.4 spends seconds generating a TLS certificate at start without this.
            command.add("--skip-ssl");
            command.add("--gtid-strict-mode=ON");
        } else {
            command.add("--lc-messages-dir=" + baseDir.resolve("share"));
            if (options.gtid() && options.binlog()) {
                command.add("--gtid-mode=ON");
                command.add("--enforce-gtid-consistency=ON");
            }
            if (flavor == Flavor.MYSQL_8_0) {
                command.add("--mysqlx=OFF");
            }
        }
        command.addAll(options.arguments());
        return command;
    }

    /** Turns a failed server's output into a message that says what to do. */
    static ServerStartException explainFailure(Flavor flavor, String step, String output) {
        String hint;
        if (output.contains("libaio.so.1")) {
            hint = "libaio1 is missing: apt-get install libaio1 (MySQL's mysqld needs libaio.so.1).";
        } else if (output.contains("libnuma.so.1")) {
            hint = "libnuma1 is missing: apt-get install libnuma1.";
        } else if (output.contains("Bind on TCP/IP port") || output.contains("Address already in use")) {
            hint = "The port was taken by another process; the harness retries with another port.";
        } else if (output.contains("No space left on device")) {
            hint = "The disk is full; free space under target/ and ~/.cache/umbra.";
        } else {
            hint = "See the server output below.";
        }
        return new ServerStartException(flavor.displayName() + " failed while " + step + ". " + hint
                + "\n--- server output (last lines) ---\n" + tail(output, 40));
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }
}
