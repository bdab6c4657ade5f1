package dev.umbra.operator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's one HTTP port: {@code /healthz} (liveness: the process answers), {@code /readyz}
 * (readiness: the operator has started and its informers are healthy; a standby replica without the
 * leader Lease is ready too, or a rolling update could never finish) and {@code /metrics}
 * (Prometheus text format).
 */
public final class OperatorHttpServer implements AutoCloseable {

    /** The Prometheus text exposition format's content type. */
    static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private OperatorHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param bindAddress the IP address to listen on; empty: every interface
     * @param port        the port (0: any free one, see {@link #port()})
     * @param ready       whether the operator is ready
     * @param metrics     the current metrics in Prometheus text format
     */
    public static OperatorHttpServer start(Optional<String> bindAddress, int port, BooleanSupplier ready,
                                           Supplier<String> metrics) throws IOException {
        InetSocketAddress address = bindAddress.isPresent()
                ? new InetSocketAddress(InetAddress.getByName(bindAddress.get()), port) : new InetSocketAddress(port);
        HttpServer server = HttpServer.create(address, 0);
        server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain; charset=utf-8", "ok\n"));
        server.createContext("/readyz", exchange -> {
            boolean isReady = ready.getAsBoolean();
            respond(exchange, isReady ? 200 : 503, "text/plain; charset=utf-8", isReady ? "ready\n" : "not ready\n");
        });
        server.createContext("/metrics", exchange -> respond(exchange, 200, METRICS_CONTENT_TYPE, metrics.get()));
        // two threads: a slow scrape never delays a probe
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "umbra-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new OperatorHttpServer(server, executor);
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
