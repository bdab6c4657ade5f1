package dev.umbra.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.testkit.TestCertificates;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a TLS configuration may hold, checked before any connection: each refusal names the part and never its content. */
class TlsSettingsTest {

    @TempDir
    Path folder;

    @ParameterizedTest
    @CsvSource({"VERIFY_CA, VERIFY_CA", "verify-ca, VERIFY_CA", "VerifyCA, VERIFY_CA", "VerifyIdentity, VERIFY_IDENTITY",
            "verify_identity, VERIFY_IDENTITY", "Disabled, DISABLED", "PREFERRED, PREFERRED", "required, REQUIRED"})
    void modesAreReadInTheSpellingsUsersWrite(String text, TlsMode mode) {
        assertThat(TlsMode.parse(text)).isEqualTo(mode);
    }

    @Test
    void anUnknownModeListsTheKnownOnes() {
        assertThatThrownBy(() -> TlsMode.parse("on")).hasMessageContaining("'on'").hasMessageContaining("VerifyIdentity");
    }

    @Test
    void onlyTheModesWithoutRequiredTlsMayFetchTheServersKey() {
        assertThat(TlsMode.DISABLED.allowsPublicKeyRetrieval()).isTrue();
        assertThat(TlsMode.PREFERRED.allowsPublicKeyRetrieval()).isTrue();
        assertThat(TlsMode.REQUIRED.allowsPublicKeyRetrieval()).isFalse();
        assertThat(TlsMode.VERIFY_CA.allowsPublicKeyRetrieval()).isFalse();
        assertThat(TlsMode.VERIFY_IDENTITY.allowsPublicKeyRetrieval()).isFalse();
    }

    @Test
    void readsTheCaAndBothKeyForms() {
        TestCertificates certificates = TestCertificates.create(folder, "db.example.test");
        // the server key is written as PKCS#1 (BEGIN RSA PRIVATE KEY), the client key as PKCS#8
        String pkcs1 = TestCertificates.read(folder.resolve("server-key.pem"));
        String pkcs8 = TestCertificates.read(certificates.clientKey());
        assertThat(pkcs1).contains("BEGIN RSA PRIVATE KEY");
        assertThat(pkcs8).contains("BEGIN PRIVATE KEY");

        assertThat(PemMaterial.privateKey(pkcs1, "the key").getAlgorithm()).isEqualTo("RSA");
        assertThat(PemMaterial.privateKey(pkcs8, "the key").getAlgorithm()).isEqualTo("RSA");
        TlsSettings settings = new TlsSettings(TlsMode.VERIFY_IDENTITY, TestCertificates.read(certificates.caCertificate()),
                TestCertificates.read(certificates.clientCertificate()), pkcs1);
        assertThat(settings.toString()).isEqualTo("TLS VERIFY_IDENTITY, own CA, client certificate").doesNotContain("BEGIN");
    }

    @Test
    void refusesWhatCannotWork() {
        TestCertificates certificates = TestCertificates.create(folder, "db.example.test");
        String ca = TestCertificates.read(certificates.caCertificate());
        String certificate = TestCertificates.read(certificates.clientCertificate());
        String key = TestCertificates.read(certificates.clientKey());

        assertThatThrownBy(() -> new TlsSettings(TlsMode.REQUIRED, ca, null, null))
                .hasMessageContaining("does not check the server's certificate").hasMessageContaining("VERIFY_CA");
        assertThatThrownBy(() -> new TlsSettings(TlsMode.VERIFY_CA, ca, certificate, null))
                .hasMessageContaining("client certificate is given without its key");
        assertThatThrownBy(() -> new TlsSettings(TlsMode.VERIFY_CA, ca, null, key))
                .hasMessageContaining("client key is given without its client certificate");
        assertThatThrownBy(() -> new TlsSettings(TlsMode.DISABLED, null, certificate, key)).hasMessageContaining("DISABLED");
        assertThatThrownBy(() -> new TlsSettings(TlsMode.VERIFY_CA, key, null, null))
                .hasMessageContaining("the CA certificate holds a").hasMessageContaining("only certificates");
        assertThatThrownBy(() -> new TlsSettings(TlsMode.VERIFY_CA, ca, certificate, certificate))
                .hasMessageContaining("the client key holds a certificate");
    }

    @Test
    void aDamagedOrEncryptedPemIsRefusedWithoutEchoingIt() throws Exception {
        String secretLooking = "-----BEGIN PRIVATE KEY-----\nTOPSECRETbase64!!\n-----END PRIVATE KEY-----\n";
        assertThatThrownBy(() -> PemMaterial.privateKey(secretLooking, "the client key"))
                .hasMessageStartingWith("the client key").satisfies(e -> assertThat(e.getMessage()).doesNotContain("TOPSECRET"));
        assertThatThrownBy(() -> PemMaterial.certificates("not a pem at all", "the CA certificate"))
                .hasMessageContaining("the CA certificate holds no PEM certificate");

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        byte[] someBytes = generator.generateKeyPair().getPrivate().getEncoded();
        String encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(someBytes)
                + "\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assertThatThrownBy(() -> PemMaterial.privateKey(encrypted, "the client key"))
                .hasMessageContaining("the client key");
    }
}
