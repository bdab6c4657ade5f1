package dev.umbra.operator.reconcile;

import dev.umbra.operator.model.DatabaseSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the login from the Secret that {@code spec.database.credentialsSecretRef} names, and the TLS
 * material that {@code spec.database.tls} names ({@link TlsSources}). Errors name the Secret, the
 * field and the missing key, never a value.
 */
public final class Credentials {

    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    private static final String FIELD = "spec.database.credentialsSecretRef";

    private final KubernetesClient client;
    private final TlsSources tls;

    public Credentials(KubernetesClient client) {
        this.client = client;
        this.tls = new TlsSources(client);
    }

    public DatabaseCredentials read(String namespace, DatabaseSpec database) throws InvalidMigrationException {
        String secretName = database.getCredentialsSecretRef().getName();
        Secret secret = secret(client, namespace, secretName, FIELD);
        String name = namespace + "/" + secretName;
        String username = secretValue(secret, USERNAME, name, FIELD);
        String password = secretValue(secret, PASSWORD, name, FIELD);
        if (username.isBlank()) {
            throw new InvalidMigrationException("SecretInvalid", "The key \"username\" of the Secret " + name + " is empty.");
        }
        return new DatabaseCredentials(username, password, tls.read(namespace, database.getTls()));
    }

    /** The Secret {@code name}, which {@code field} refers to. */
    static Secret secret(KubernetesClient client, String namespace, String name, String field) throws InvalidMigrationException {
        String qualified = namespace + "/" + name;
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new InvalidMigrationException("SecretUnreadable", "The Secret " + qualified + " (" + field
                    + ") could not be read: HTTP " + e.getCode() + "; check that the operator's service account may get"
                    + " Secrets in " + namespace + ".");
        }
        if (secret == null) {
            throw new InvalidMigrationException("SecretNotFound", "The Secret " + qualified + " (" + field
                    + ") does not exist. Create it" + (FIELD.equals(field) ? " with the keys \"username\" and \"password\"" : "")
                    + ".");
        }
        return secret;
    }

    /** One key's text, from {@code data} (base64) or {@code stringData}. */
    static String secretValue(Secret secret, String key, String name, String field) throws InvalidMigrationException {
        Map<String, String> data = secret.getData();
        if (data != null && data.get(key) != null) {
            try {
                return new String(Base64.getDecoder().decode(data.get(key).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidMigrationException("SecretInvalid", "The key \"" + key + "\" of the Secret " + name
                        + " is not valid base64.");
            }
        }
        Map<String, String> stringData = secret.getStringData();
        if (stringData != null && stringData.get(key) != null) {
            return stringData.get(key);
        }
        throw new InvalidMigrationException("SecretInvalid", "The Secret " + name + " (" + field + ") has no key \"" + key
                + "\"" + (FIELD.equals(field) ? "; it needs \"username\" and \"password\"" : "")
                + ". Fix it.");
    }
}
