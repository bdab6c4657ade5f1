package dev.umbra.operator.reconcile;

import dev.umbra.engine.tls.TlsMode;
import dev.umbra.engine.tls.TlsSettings;
import dev.umbra.operator.model.CaSource;
import dev.umbra.operator.model.DatabaseTlsSpec;
import dev.umbra.operator.model.KeyReference;
import dev.umbra.operator.model.TlsModeName;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads {@code spec.database.tls}: the CA from a Secret or ConfigMap key, the client certificate
 * from a {@code kubernetes.io/tls} Secret. Errors name the field and the object, never a value.
 */
final class TlsSources {

    static final String CERTIFICATE_KEY = "tls.crt";
    static final String PRIVATE_KEY_KEY = "tls.key";

    private final KubernetesClient client;

    TlsSources(KubernetesClient client) {
        this.client = client;
    }

    TlsSettings read(String namespace, DatabaseTlsSpec spec) throws InvalidMigrationException {
        if (spec == null) {
            return TlsSettings.preferred();
        }
        TlsMode mode = TlsMode.valueOf((spec.getMode() == null ? TlsModeName.PREFERRED : spec.getMode()).name());
        String ca = spec.getCa() == null ? null : ca(namespace, spec.getCa());
        String certificate = null;
        String key = null;
        if (spec.getClientCertificateSecretRef() != null) {
            String field = "spec.database.tls.clientCertificateSecretRef";
            Secret secret = secret(namespace, spec.getClientCertificateSecretRef().getName(), field);
            certificate = Credentials.secretValue(secret, CERTIFICATE_KEY, namespace + "/" + secret.getMetadata().getName(), field);
            key = Credentials.secretValue(secret, PRIVATE_KEY_KEY, namespace + "/" + secret.getMetadata().getName(), field);
        }
        try {
            return new TlsSettings(mode, ca, certificate, key);
        } catch (IllegalArgumentException e) {
            throw new InvalidMigrationException("InvalidSpec", "spec.database.tls: " + e.getMessage() + ".");
        }
    }

    private String ca(String namespace, CaSource source) throws InvalidMigrationException {
        KeyReference fromSecret = source.getSecretKeyRef();
        KeyReference fromConfigMap = source.getConfigMapKeyRef();
        if ((fromSecret == null) == (fromConfigMap == null)) {
            throw new InvalidMigrationException("InvalidSpec", "spec.database.tls.ca: give exactly one of secretKeyRef and"
                    + " configMapKeyRef.");
        }
        if (fromSecret != null) {
            String field = "spec.database.tls.ca.secretKeyRef";
            Secret secret = secret(namespace, fromSecret.getName(), field);
            return Credentials.secretValue(secret, fromSecret.getKey(), namespace + "/" + fromSecret.getName(), field);
        }
        String field = "spec.database.tls.ca.configMapKeyRef";
        String name = namespace + "/" + fromConfigMap.getName();
        ConfigMap configMap;
        try {
            configMap = client.configMaps().inNamespace(namespace).withName(fromConfigMap.getName()).get();
        } catch (KubernetesClientException e) {
            throw new InvalidMigrationException("ConfigMapUnreadable", "The ConfigMap " + name + " (" + field
                    + ") could not be read: HTTP " + e.getCode() + "; check that the operator's service account may get"
                    + " ConfigMaps in " + namespace + ".");
        }
        if (configMap == null) {
            throw new InvalidMigrationException("ConfigMapNotFound", "The ConfigMap " + name + " (" + field
                    + ") does not exist. Create it.");
        }
        Map<String, String> data = configMap.getData();
        if (data != null && data.get(fromConfigMap.getKey()) != null) {
            return data.get(fromConfigMap.getKey());
        }
        Map<String, String> binaryData = configMap.getBinaryData();
        if (binaryData != null && binaryData.get(fromConfigMap.getKey()) != null) {
            try {
                return new String(Base64.getDecoder().decode(binaryData.get(fromConfigMap.getKey()).trim()), StandardCharsets.US_ASCII);
            } catch (IllegalArgumentException e) {
                throw new InvalidMigrationException("ConfigMapInvalid", "The key \"" + fromConfigMap.getKey()
                        + "\" of the ConfigMap " + name + " is not valid base64.");
            }
        }
        throw new InvalidMigrationException("ConfigMapInvalid", "The ConfigMap " + name + " has no key \""
                + fromConfigMap.getKey() + "\" (" + field + ".key).");
    }

    private Secret secret(String namespace, String name, String field) throws InvalidMigrationException {
        return Credentials.secret(client, namespace, name, field);
    }
}
