package dev.umbra.operator.observe;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Logging configured by the operator's own logback.xml with UMBRA_LOG_FORMAT=json (Logback reads
 * the variable from system properties before the environment), its stdout captured; closing puts
 * the test configuration and stdout back.
 */
final class JsonLogCapture implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream originalOut;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    JsonLogCapture() {
        originalOut = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        System.setProperty("UMBRA_LOG_FORMAT", "json");
        System.setProperty("UMBRA_LOG_LEVEL", "INFO");
        configure("logback.xml");
    }

    /** Every line written so far, each parsed as one JSON object (a line that is not one fails). */
    synchronized List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON log line: " + line, e);
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        System.clearProperty("UMBRA_LOG_FORMAT");
        System.clearProperty("UMBRA_LOG_LEVEL");
        configure("logback-test.xml");
        System.setOut(originalOut);
    }

    private static void configure(String resource) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        URL configuration = JsonLogCapture.class.getClassLoader().getResource(resource);
        if (configuration == null) {
            throw new IllegalStateException(resource + " is not on the classpath");
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(configuration);
        } catch (JoranException e) {
            throw new UncheckedIOException(new IOException("cannot configure logging from " + resource, e));
        }
    }
}
