package dev.kiln.api.errors;

/**
 * Training produced NaN or infinity in the loss or in a gradient while the non-finite check was on;
 * the message names where (the step), the loss value and the parameter whose gradient first went
 * non-finite.
 */
public class NonFiniteException extends KilnException {
    public NonFiniteException(String message) {
        super(message);
    }
}
