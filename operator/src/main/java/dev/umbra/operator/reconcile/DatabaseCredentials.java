package dev.umbra.operator.reconcile;

/** A login from the credentials Secret. {@link #toString} leaves the password out. */
public record DatabaseCredentials(String username, String password) {

    @Override
    public String toString() {
        return "DatabaseCredentials[username=" + username + "]";
    }
}
