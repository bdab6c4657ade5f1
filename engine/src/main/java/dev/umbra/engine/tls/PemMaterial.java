package dev.umbra.engine.tls;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Certificates and private keys in PEM, as users keep them in Secrets and files: a CA bundle of one
 * or more certificates; a key in PKCS#8 ({@code BEGIN PRIVATE KEY}), or in the traditional RSA or EC
 * form ({@code BEGIN RSA PRIVATE KEY}, what {@code openssl genrsa} and cert-manager write). Encrypted
 * keys are refused: Umbra has nowhere safe to keep their passphrase. Errors name what was read (the
 * {@code what} argument), never its content.
 */
public final class PemMaterial {

    private PemMaterial() {
    }

    /** Every certificate in {@code pem}; at least one. */
    public static List<X509Certificate> certificates(String pem, String what) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (!(item instanceof X509CertificateHolder holder)) {
                    throw new IllegalArgumentException(what + " holds a " + describe(item)
                            + " where only certificates (BEGIN CERTIFICATE) belong");
                }
                certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException(what + " is not a readable PEM certificate: " + reason(e), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no PEM certificate (a block from -----BEGIN CERTIFICATE-----"
                    + " to -----END CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The one private key in {@code pem}. */
    public static PrivateKey privateKey(String pem, String what) {
        Object item;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            item = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (item instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (item instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not a readable PEM private key: " + reason(e), e);
        }
        if (item == null) {
            throw new IllegalArgumentException(what + " holds no PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
        }
        throw new IllegalArgumentException(what + " holds a " + describe(item) + ", not an unencrypted private key;"
                + " give the key without a passphrase (openssl pkcs8 -topk8 -nocrypt), kept in a Secret");
    }

    private static String describe(Object item) {
        String name = item.getClass().getSimpleName();
        if (name.contains("Encrypted")) {
            return "passphrase-protected key";
        }
        if (item instanceof X509CertificateHolder) {
            return "certificate";
        }
        return name.replace("PEM", "").replace("Holder", "").replace("Info", "") + " block";
    }

    private static String reason(Exception e) {
        // Parser messages describe the structure (a bad header, a bad base64 block), never key bytes.
        Throwable cause = e instanceof PEMException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
