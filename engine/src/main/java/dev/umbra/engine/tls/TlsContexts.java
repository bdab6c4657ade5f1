package dev.umbra.engine.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The key stores and TLS contexts of a {@link TlsSettings}: the same CA and client certificate for
 * the JDBC driver (as key stores) and the binlog client (as an {@link SSLContext}).
 */
public final class TlsContexts {

    static final String CLIENT_ALIAS = "umbra-client";

    private TlsContexts() {
    }

    /** The CA bundle as a trust store, or null when the settings name no CA. */
    public static KeyStore trustStore(TlsSettings settings, char[] password) throws GeneralSecurityException {
        if (settings.caPem() == null) {
            return null;
        }
        KeyStore store = emptyStore(password);
        List<X509Certificate> certificates = PemMaterial.certificates(settings.caPem(), "the CA certificate");
        for (int i = 0; i < certificates.size(); i++) {
            store.setCertificateEntry("umbra-ca-" + i, certificates.get(i));
        }
        return store;
    }

    /** The client certificate and key as a key store, or null when the settings have none. */
    public static KeyStore keyStore(TlsSettings settings, char[] password) throws GeneralSecurityException {
        if (!settings.hasClientCertificate()) {
            return null;
        }
        KeyStore store = emptyStore(password);
        PrivateKey key = PemMaterial.privateKey(settings.clientKey(), "the client key");
        List<X509Certificate> chain = PemMaterial.certificates(settings.clientCertificate(), "the client certificate");
        store.setKeyEntry(CLIENT_ALIAS, key, password, chain.toArray(X509Certificate[]::new));
        return store;
    }

    /**
     * A context for the binlog client. In the verifying modes the server's certificate must chain to
     * the settings' CA (only to it when one is given, else to the system's CAs); in the others it is
     * accepted unchecked, which is what those modes promise (encryption, not authentication).
     */
    public static SSLContext sslContext(TlsSettings settings) throws GeneralSecurityException {
        char[] password = new char[0];
        KeyManager[] keyManagers = null;
        KeyStore keys = keyStore(settings, password);
        if (keys != null) {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, password);
            keyManagers = factory.getKeyManagers();
        }
        TrustManager[] trustManagers;
        if (settings.mode().verifiesServer()) {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore(settings, password));
            trustManagers = factory.getTrustManagers();
        } else {
            trustManagers = new TrustManager[] {new UncheckedServerCertificate()};
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, trustManagers, null);
        return context;
    }

    private static KeyStore emptyStore(char[] password) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, password);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("could not create an empty key store", e);
        }
        return store;
    }

    /** The REQUIRED and PREFERRED modes: encrypted, with whatever certificate the server shows. */
    private static final class UncheckedServerCertificate implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("Umbra is never a TLS server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // not checked in these modes, by definition of the mode
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
