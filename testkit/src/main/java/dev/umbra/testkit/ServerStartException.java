package dev.umbra.testkit;

/** A test server could not be started; the message says why and what to do about it. */
public class ServerStartException extends RuntimeException {

    public ServerStartException(String message) {
        super(message);
    }

    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
