package dev.umbra.engine.binlog;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import com.github.shyiko.mysql.binlog.network.SSLSocketFactory;
import dev.umbra.engine.tls.TlsContexts;
import dev.umbra.engine.tls.TlsMode;
import dev.umbra.engine.tls.TlsSettings;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The binlog stream's TLS, the same as every other session's: the client's mode follows the
 * settings, and its sockets come from Umbra's own context (the settings' CA and client certificate),
 * never from the client library's defaults, which trust every certificate and offer old protocols.
 */
final class BinlogTls implements SSLSocketFactory {

    private final SSLContext context;
    private final String host;
    private final int port;
    private final boolean checkHostName;

    private BinlogTls(SSLContext context, String host, int port, boolean checkHostName) {
        this.context = context;
        this.host = host;
        this.port = port;
        this.checkHostName = checkHostName;
    }

    /** Sets the client's TLS mode and, where TLS may be used, the factory of its TLS sockets. */
    static void configure(BinaryLogClient client, TlsSettings settings, String host, int port) throws IOException {
        // The client's own VERIFY_IDENTITY checks the name a reverse lookup of the server's address gives
        // ("localhost" for 127.0.0.1), not the name Umbra connected to: the name is checked here, in
        // the handshake, and the client is told only to require a verified TLS session.
        client.setSSLMode(settings.mode() == TlsMode.VERIFY_IDENTITY ? SSLMode.VERIFY_CA : SSLMode.valueOf(settings.mode().name()));
        if (settings.mode() == TlsMode.DISABLED) {
            return;
        }
        try {
            client.setSslSocketFactory(new BinlogTls(TlsContexts.sslContext(settings), host, port,
                    settings.mode() == TlsMode.VERIFY_IDENTITY));
        } catch (GeneralSecurityException e) {
            throw new IOException("could not set up TLS for the binlog stream: " + e.getMessage(), e);
        }
    }

    @Override
    public SSLSocket createSocket(Socket plain) throws SocketException {
        try {
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            if (checkHostName) {
                // Checked during the handshake, against the name Umbra connected to, as the JDBC
                // sessions do.
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
            }
            return socket;
        } catch (IOException e) {
            SocketException failure = new SocketException("could not start TLS with " + host + ":" + port + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }
}
