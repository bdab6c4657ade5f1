package dev.umbra.operator.kubectl;

/** A command that cannot do what was asked; its message is all the user sees (exit code 1). */
final class CommandFailure extends RuntimeException {

    CommandFailure(String message) {
        super(message, null, false, false);
    }
}
