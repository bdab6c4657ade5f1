package dev.umbra.engine.sql;

import dev.umbra.engine.tls.TlsContexts;
import dev.umbra.engine.tls.TlsSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Properties;

/**
 * The driver's TLS properties for one {@link TlsSettings}. Connector/J reads a CA or a client
 * certificate only from key-store files, so they are written once, on first use, into an owner-only
 * temporary folder with a random store password, and deleted by {@link #close()}.
 */
final class DriverTlsFiles implements AutoCloseable {

    private final TlsSettings settings;
    private Path folder;
    private Path trustStore;
    private Path keyStore;
    private String storePassword;

    DriverTlsFiles(TlsSettings settings) {
        this.settings = settings;
    }

    /** Sets the TLS properties of one session (writing the key stores the first time). */
    synchronized void apply(Properties properties) throws SQLException {
        properties.setProperty("sslMode", settings.mode().name());
        // Without TLS, MySQL 8's caching_sha2_password needs the server's RSA key to send the password
        // encrypted; a mode that requires TLS sends it inside TLS and never asks for that key.
        properties.setProperty("allowPublicKeyRetrieval", String.valueOf(settings.mode().allowsPublicKeyRetrieval()));
        properties.setProperty("fallbackToSystemKeyStore", "false");
        writeOnce();
        if (trustStore != null) {
            properties.setProperty("trustCertificateKeyStoreUrl", trustStore.toUri().toString());
            properties.setProperty("trustCertificateKeyStoreType", "PKCS12");
            properties.setProperty("trustCertificateKeyStorePassword", storePassword);
            // A CA given for this server is the only one trusted for it.
            properties.setProperty("fallbackToSystemTrustStore", "false");
        } else {
            properties.setProperty("fallbackToSystemTrustStore", "true");
        }
        if (keyStore != null) {
            properties.setProperty("clientCertificateKeyStoreUrl", keyStore.toUri().toString());
            properties.setProperty("clientCertificateKeyStoreType", "PKCS12");
            properties.setProperty("clientCertificateKeyStorePassword", storePassword);
        }
    }

    private void writeOnce() throws SQLException {
        if (folder != null || (settings.caPem() == null && !settings.hasClientCertificate())) {
            return;
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        storePassword = Base64.getUrlEncoder().encodeToString(random);
        char[] password = storePassword.toCharArray();
        try {
            folder = Files.createTempDirectory("umbra-tls-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            folder.toFile().deleteOnExit();
            trustStore = write(TlsContexts.trustStore(settings, password), "trust.p12", password);
            keyStore = write(TlsContexts.keyStore(settings, password), "client.p12", password);
        } catch (IOException | GeneralSecurityException e) {
            close();
            throw new SQLException("could not prepare the TLS certificates for the driver: " + e.getMessage(), "08001", e);
        }
    }

    private Path write(KeyStore store, String name, char[] password) throws IOException, GeneralSecurityException {
        if (store == null) {
            return null;
        }
        Path file = Files.createFile(folder.resolve(name), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        file.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        return file;
    }

    @Override
    public synchronized void close() {
        for (Path file : new Path[] {trustStore, keyStore, folder}) {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file; the JVM's exit removes it too
                }
            }
        }
        folder = null;
        trustStore = null;
        keyStore = null;
    }
}
