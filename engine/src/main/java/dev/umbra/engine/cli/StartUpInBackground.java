package dev.umbra.engine.cli;

import dev.umbra.engine.alter.AlterParser;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What every {@code umbra} run needs before its first query, prepared on other threads while the
 * main one reads the command line: the ALTER grammar's tables, the logging set-up and the MySQL
 * driver's classes. Class-loading timestamps of a dry run against MySQL 8.0 showed the main thread
 * spending 0.28 s on logging and 0.23 s on the driver's classes before its first byte to the server.
 * Warming the TLS provider the same way was tried and left out: on two cores it made runs slower.
 */
final class StartUpInBackground {

    /** Classes of mysql-connector-j that a first session loads and initialises, the heaviest first. */
    private static final List<String> DRIVER_CLASSES = List.of("com.mysql.cj.jdbc.Driver", "com.mysql.cj.conf.PropertyDefinitions",
            "com.mysql.cj.jdbc.ConnectionImpl", "com.mysql.cj.protocol.a.NativeProtocol", "com.mysql.cj.jdbc.result.ResultSetImpl");

    private StartUpInBackground() {
    }

    static void begin() {
        AlterParser.warmUpInBackground();
        Thread prepare = new Thread(StartUpInBackground::loggingAndDriver, "umbra-start-up");
        prepare.setDaemon(true);
        prepare.start();
    }

    private static void loggingAndDriver() {
        LoggerFactory.getILoggerFactory();
        ClassLoader loader = StartUpInBackground.class.getClassLoader();
        for (String name : DRIVER_CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return; // only a head start: the session loads what it needs itself
            }
        }
    }
}
