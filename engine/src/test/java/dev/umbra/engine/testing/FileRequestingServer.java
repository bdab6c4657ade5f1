package dev.umbra.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A hostile server on loopback, the one a spec pointing at an attacker's host would reach: it speaks
 * just enough of the MySQL protocol to accept any login (mysql_native_password, no TLS offered), then
 * answers the client's first query with a LOCAL INFILE request for a file, and records every byte the
 * client sends from then on. One client at a time; {@link #close()} stops it.
 */
public final class FileRequestingServer implements AutoCloseable {

    private static final int CLIENT_LONG_PASSWORD = 0x1;
    private static final int CLIENT_LONG_FLAG = 0x4;
    private static final int CLIENT_CONNECT_WITH_DB = 0x8;
    private static final int CLIENT_LOCAL_FILES = 0x80;
    private static final int CLIENT_PROTOCOL_41 = 0x200;
    private static final int CLIENT_TRANSACTIONS = 0x2000;
    private static final int CLIENT_SECURE_CONNECTION = 0x8000;
    private static final int CLIENT_MULTI_RESULTS = 0x20000;
    private static final int CLIENT_PLUGIN_AUTH = 0x80000;
    private static final int CAPABILITIES = CLIENT_LONG_PASSWORD | CLIENT_LONG_FLAG | CLIENT_CONNECT_WITH_DB | CLIENT_LOCAL_FILES
            | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_RESULTS | CLIENT_PLUGIN_AUTH;

    private final ServerSocket socket;
    private final String requestedFile;
    private final Thread acceptor;
    private final ByteArrayOutputStream afterRequest = new ByteArrayOutputStream();
    private volatile boolean requestSent;

    public FileRequestingServer(String requestedFile) throws IOException {
        this.requestedFile = requestedFile;
        this.socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::serve, "file-requesting-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Whether a client got as far as a query, and so was sent the file request. */
    public boolean requestSent() {
        return requestSent;
    }

    /** Every byte the clients sent after the file request. */
    public synchronized byte[] receivedAfterRequest() {
        return afterRequest.toByteArray();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(3_000);
                converse(client.getInputStream(), client.getOutputStream());
            } catch (IOException e) {
                // the client hung up, or the server is closing: wait for the next one
            }
        }
    }

    private void converse(InputStream in, OutputStream out) throws IOException {
        DataInputStream input = new DataInputStream(in);
        writePacket(out, 0, handshake());
        readPacket(input); // the login: any password will do
        writePacket(out, 2, ok());
        readPacket(input); // the client's first query, whatever it is
        byte[] request = new byte[1 + requestedFile.length()];
        request[0] = (byte) 0xFB;
        System.arraycopy(requestedFile.getBytes(StandardCharsets.UTF_8), 0, request, 1, requestedFile.length());
        writePacket(out, 1, request);
        requestSent = true;
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = in.read(buffer)) > 0; ) {
                synchronized (this) {
                    afterRequest.write(buffer, 0, read);
                }
                // An empty packet (length 0) ends the file; answer it so the client reads on.
                if (read >= 4 && buffer[0] == 0 && buffer[1] == 0 && buffer[2] == 0) {
                    writePacket(out, (buffer[3] + 1) & 0xff, ok());
                }
            }
        } catch (SocketTimeoutException quiet) {
            // the client said all it will
        }
    }

    private static byte[] handshake() {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(10);
        packet.writeBytes("8.0.15-file-requesting\0".getBytes(StandardCharsets.US_ASCII));
        packet.writeBytes(new byte[] {1, 0, 0, 0});
        packet.writeBytes("abcdefgh".getBytes(StandardCharsets.US_ASCII));
        packet.write(0);
        packet.write(CAPABILITIES & 0xff);
        packet.write((CAPABILITIES >> 8) & 0xff);
        packet.write(0x21); // utf8_general_ci
        packet.writeBytes(new byte[] {2, 0}); // autocommit
        packet.write((CAPABILITIES >> 16) & 0xff);
        packet.write((CAPABILITIES >> 24) & 0xff);
        packet.write(21);
        packet.writeBytes(new byte[10]);
        packet.writeBytes("ijklmnopqrst\0".getBytes(StandardCharsets.US_ASCII));
        packet.writeBytes("mysql_native_password\0".getBytes(StandardCharsets.US_ASCII));
        return packet.toByteArray();
    }

    private static byte[] ok() {
        return new byte[] {0, 0, 0, 2, 0, 0, 0};
    }

    private static void writePacket(OutputStream out, int sequence, byte[] payload) throws IOException {
        byte[] header = {(byte) payload.length, (byte) (payload.length >> 8), (byte) (payload.length >> 16), (byte) sequence};
        out.write(header);
        out.write(payload);
        out.flush();
    }

    private static byte[] readPacket(DataInputStream in) throws IOException {
        byte[] header = new byte[4];
        in.readFully(header);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return payload;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@code haystack} holds {@code needle} anywhere. */
    public static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
