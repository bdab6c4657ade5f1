package dev.umbra.engine.verify;

/** The ghost table does not match the original, even after the mismatched chunks were copied again. */
public final class VerificationFailedException extends Exception {

    public VerificationFailedException(String message) {
        super(message);
    }

    public VerificationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
