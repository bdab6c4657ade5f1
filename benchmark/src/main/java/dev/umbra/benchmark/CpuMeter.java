package dev.umbra.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time used by this JVM (Umbra, and the writer when there is one) and by the database server
 * process: on a 2-core machine, which of the two burns the CPU tells where a copy's time goes.
 */
final class CpuMeter {

    /** Clock ticks per second of /proc/PID/stat's times; 100 on every Linux we run on. */
    private static final long TICKS_PER_SECOND = 100;

    private final long serverPid;
    private final long jvmStart;
    private final long serverStart;

    private CpuMeter(long serverPid) {
        this.serverPid = serverPid;
        this.jvmStart = jvmNanos();
        this.serverStart = serverNanos(serverPid);
    }

    static CpuMeter start(long serverPid) {
        return new CpuMeter(serverPid);
    }

    Duration jvm() {
        return Duration.ofNanos(Math.max(0, jvmNanos() - jvmStart));
    }

    /** Zero where /proc cannot be read. */
    Duration server() {
        long now = serverNanos(serverPid);
        return now < 0 || serverStart < 0 ? Duration.ZERO : Duration.ofNanos(now - serverStart);
    }

    private static long jvmNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static long serverNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name is in parentheses and may contain spaces: fields count from after it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
