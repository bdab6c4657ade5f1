package dev.umbra.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder between the code under test and a database server, for faults that a server
 * alone cannot make: the address that leads to another server from now on ({@link #retarget}),
 * every connection cut at once ({@link #cutAll}), and connections that go silent without a reset,
 * as through a lost node or a black-holing firewall ({@link #freezeAll}).
 */
public final class TcpProxy implements AutoCloseable {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final ServerSocket listener;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile String targetHost;
    private volatile int targetPort;
    private volatile boolean closed;

    private TcpProxy(int listenPort, String host, int port) throws IOException {
        this.targetHost = host;
        this.targetPort = port;
        this.listener = new ServerSocket(listenPort, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free local port that forwards to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        return on(0, host, port);
    }

    /** A proxy on local port {@code listenPort} (0: a free one) that forwards to {@code host:port}. */
    public static TcpProxy on(int listenPort, String host, int port) {
        try {
            return new TcpProxy(listenPort, host, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open proxy port " + listenPort + ": " + e.getMessage(), e);
        }
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** New connections go to {@code port} on the same host from now on; open ones stay where they are. */
    public void retarget(int port) {
        this.targetPort = port;
    }

    /** Closes every open connection, both ways, as a server that went away does. */
    public void cutAll() {
        for (Link link : links) {
            link.close();
        }
    }

    /**
     * Every open connection stops carrying bytes, in both directions, without being closed: neither
     * side learns anything until its own timeout. New connections work.
     */
    public void freezeAll() {
        for (Link link : links) {
            link.frozen = true;
        }
    }

    /** Frozen connections carry bytes again, those held first. */
    public void thawAll() {
        for (Link link : links) {
            link.frozen = false;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cutAll();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
                } catch (IOException refused) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Link link = new Link(client, server);
                links.add(link);
                link.start();
            } catch (IOException e) {
                if (!closed) {
                    sleepBriefly();
                }
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One proxied connection: a thread per direction. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private volatile boolean frozen;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            pump(client, server, "up");
            pump(server, client, "down");
        }

        private void pump(Socket from, Socket to, String direction) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[BUFFER_BYTES];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        while (frozen && !from.isClosed()) {
                            sleepBriefly();
                        }
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                } catch (SocketException ended) {
                    // one side closed
                } catch (IOException e) {
                    // the link ends either way
                } finally {
                    close();
                }
            }, "tcp-proxy-" + direction + "-" + from.getPort());
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            links.remove(this);
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
