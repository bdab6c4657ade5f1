package dev.umbra.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * A certificate authority of its own, made fresh by a test, and the PEM files a server and a client
 * need to speak TLS under it: a server certificate for the names a test connects to, and a client
 * certificate. Keys are RSA 2048; the server's key is written in the traditional PKCS#1 form that
 * {@code openssl genrsa} and cert-manager produce, the client's in PKCS#8, so that a client reading
 * both forms is exercised.
 *
 * <pre>{@code
 * TestCertificates certificates = TestCertificates.create(dir, "127.0.0.1", "localhost");
 * DatabaseServer server = SharedServers.startPrivate(flavor,
 *         ServerOptions.defaults().withArguments(certificates.serverArguments()));
 * }</pre>
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path caCertificate;
    private final Path serverCertificate;
    private final Path serverKey;
    private final Path clientCertificate;
    private final Path clientKey;

    private TestCertificates(Path directory) {
        this.caCertificate = directory.resolve("ca.pem");
        this.serverCertificate = directory.resolve("server-cert.pem");
        this.serverKey = directory.resolve("server-key.pem");
        this.clientCertificate = directory.resolve("client-cert.pem");
        this.clientKey = directory.resolve("client-key.pem");
    }

    /**
     * A new CA in {@code directory}, with a server certificate whose subject alternative names are
     * {@code serverNames} (IP literals become IP entries, the rest DNS entries) and a client certificate.
     */
    public static TestCertificates create(Path directory, String... serverNames) {
        TestCertificates files = new TestCertificates(directory);
        try {
            Files.createDirectories(directory);
            KeyPair caKeys = rsaKeys();
            X500Name caName = new X500Name("CN=Umbra test CA " + SERIAL.incrementAndGet());
            X509Certificate ca = sign(new JcaX509v3CertificateBuilder(caName, serial(), notBefore(), notAfter(), caName,
                    caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
                    caKeys.getPrivate());
            writePem(files.caCertificate, ca);

            KeyPair serverKeys = rsaKeys();
            X509Certificate server = sign(new JcaX509v3CertificateBuilder(caName, serial(), notBefore(), notAfter(),
                    new X500Name("CN=" + serverNames[0]), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, alternativeNames(serverNames)),
                    caKeys.getPrivate());
            writePem(files.serverCertificate, server);
            writePem(files.serverKey, serverKeys.getPrivate());

            KeyPair clientKeys = rsaKeys();
            X509Certificate client = sign(new JcaX509v3CertificateBuilder(caName, serial(), notBefore(), notAfter(),
                    new X500Name("CN=umbra"), clientKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)),
                    caKeys.getPrivate());
            writePem(files.clientCertificate, client);
            writePem(files.clientKey, new JcaPKCS8Generator(clientKeys.getPrivate(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("could not make test certificates: " + e.getMessage(), e);
        }
        return files;
    }

    /** Server options that turn TLS on with this CA's server certificate (MySQL and MariaDB alike). */
    public List<String> serverArguments() {
        return List.of("--ssl", "--ssl-ca=" + caCertificate, "--ssl-cert=" + serverCertificate, "--ssl-key=" + serverKey);
    }

    public Path caCertificate() {
        return caCertificate;
    }

    public Path clientCertificate() {
        return clientCertificate;
    }

    public Path clientKey() {
        return clientKey;
    }

    /** The text of a PEM file, as a user would paste it into a Secret. */
    public static String read(Path pem) {
        try {
            return Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GeneralNames alternativeNames(String... names) {
        List<GeneralName> entries = new ArrayList<>();
        for (String name : names) {
            boolean ip = name.matches("[0-9.]+") || name.contains(":");
            entries.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        return new GeneralNames(entries.toArray(GeneralName[]::new));
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(Duration.ofDays(1)));
    }

    private static Date notAfter() {
        return Date.from(Instant.now().plus(Duration.ofDays(30)));
    }

    private static void writePem(Path file, Object value) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            if (value instanceof PemObjectGenerator generator) {
                pem.writeObject(generator);
            } else {
                pem.writeObject(value);
            }
        }
    }
}
