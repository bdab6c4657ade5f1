package dev.umbra.engine.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.engine.tls.TlsMode;
import dev.umbra.engine.tls.TlsSettings;
import dev.umbra.testkit.TestCertificates;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver reads the CA and client certificate from files: only the owner may read them, and they go with the sessions. */
class DriverTlsFilesTest {

    @TempDir
    Path folder;

    @Test
    void keyStoresAreOwnerOnlyAndRemovedWhenTheSessionsClose() throws Exception {
        TestCertificates certificates = TestCertificates.create(folder, "db.example.test");
        TlsSettings settings = new TlsSettings(TlsMode.VERIFY_IDENTITY, TestCertificates.read(certificates.caCertificate()),
                TestCertificates.read(certificates.clientCertificate()), TestCertificates.read(certificates.clientKey()));
        DriverTlsFiles files = new DriverTlsFiles(settings);
        Properties properties = new Properties();

        files.apply(properties);

        Path trustStore = Path.of(URI.create(properties.getProperty("trustCertificateKeyStoreUrl")));
        Path keyStore = Path.of(URI.create(properties.getProperty("clientCertificateKeyStoreUrl")));
        assertThat(properties.getProperty("sslMode")).isEqualTo("VERIFY_IDENTITY");
        assertThat(properties.getProperty("allowPublicKeyRetrieval")).isEqualTo("false");
        assertThat(properties.getProperty("fallbackToSystemTrustStore")).isEqualTo("false");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trustStore.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trustStore))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyStore))).isEqualTo("rw-------");
        assertThat(properties.getProperty("trustCertificateKeyStorePassword")).hasSizeGreaterThanOrEqualTo(24);

        files.close();

        assertThat(trustStore).doesNotExist();
        assertThat(keyStore).doesNotExist();
        assertThat(trustStore.getParent()).doesNotExist();
    }

    @Test
    void preferredWritesNothingAndMayFetchTheServersKey() throws Exception {
        try (DriverTlsFiles files = new DriverTlsFiles(TlsSettings.preferred())) {
            Properties properties = new Properties();
            files.apply(properties);
            assertThat(properties.getProperty("sslMode")).isEqualTo("PREFERRED");
            assertThat(properties.getProperty("allowPublicKeyRetrieval")).isEqualTo("true");
            assertThat(properties).doesNotContainKeys("trustCertificateKeyStoreUrl", "clientCertificateKeyStoreUrl");
        }
    }
}
