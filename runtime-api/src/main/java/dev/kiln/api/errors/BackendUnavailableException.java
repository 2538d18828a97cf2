package dev.kiln.api.errors;

/** A backend that was asked for by name cannot run here; the message carries the probe's reason. */
public class BackendUnavailableException extends KilnException {
    public BackendUnavailableException(String backend, String reason) {
        super("backend '" + backend + "' is unavailable: " + reason);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
