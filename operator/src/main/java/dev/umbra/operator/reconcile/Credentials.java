package dev.umbra.operator.reconcile;

import dev.umbra.operator.model.SecretReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the login from the Secret that {@code spec.database.credentialsSecretRef} names. Errors name
 * the Secret and the missing key, never a value.
 */
public final class Credentials {

    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";

    private final KubernetesClient client;

    public Credentials(KubernetesClient client) {
        this.client = client;
    }

    public DatabaseCredentials read(String namespace, SecretReference reference) throws InvalidMigrationException {
        String name = namespace + "/" + reference.getName();
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(reference.getName()).get();
        } catch (KubernetesClientException e) {
            throw new InvalidMigrationException("SecretUnreadable", "The Secret " + name
                    + " (spec.database.credentialsSecretRef) could not be read: HTTP " + e.getCode()
                    + "; check that the operator's service account may get Secrets in " + namespace + ".");
        }
        if (secret == null) {
            throw new InvalidMigrationException("SecretNotFound", "The Secret " + name
                    + " (spec.database.credentialsSecretRef) does not exist. Create it with the keys \"username\" and"
                    + " \"password\", then delete and re-apply this SchemaMigration.");
        }
        String username = value(secret, USERNAME, name);
        String password = value(secret, PASSWORD, name);
        if (username.isBlank()) {
            throw new InvalidMigrationException("SecretInvalid", "The key \"username\" of the Secret " + name + " is empty.");
        }
        return new DatabaseCredentials(username, password);
    }

    private static String value(Secret secret, String key, String name) throws InvalidMigrationException {
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
        throw new InvalidMigrationException("SecretInvalid", "The Secret " + name + " has no key \"" + key
                + "\"; it needs \"username\" and \"password\". Fix it, then delete and re-apply this SchemaMigration.");
    }
}
