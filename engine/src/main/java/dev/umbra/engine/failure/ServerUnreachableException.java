package dev.umbra.engine.failure;

/**
 * The migration's first session could not be opened (the host unreachable, the login refused):
 * nothing was looked at or changed. It may work later, once the network or the account is fixed.
 */
public final class ServerUnreachableException extends MigrationFailedException {

    public ServerUnreachableException(String message, Throwable cause) {
        super(FailureKind.SERVER_UNREACHABLE, message, cause);
    }
}
