package dev.umbra.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The outcome of a short-lived helper process (unpacking, initialising a data directory). */
record ProcessResult(int exitCode, String output) {

    static ProcessResult run(List<String> command, Path workDir, Path log, int timeoutSeconds) throws IOException {
        Path output = log != null ? log : Files.createTempFile(workDir, "process", ".log");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new ProcessResult(-1, "timed out after " + timeoutSeconds + " s: " + read(output));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        String text = read(output);
        if (log == null) {
            Files.deleteIfExists(output);
        }
        return new ProcessResult(process.exitValue(), text);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
