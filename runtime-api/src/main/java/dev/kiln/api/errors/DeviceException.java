package dev.kiln.api.errors;

/** A device reported a failure (a kernel that failed to build or launch, a driver error). */
public class DeviceException extends KilnException {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
