package dev.kiln.api.errors;

import dev.kiln.api.Device;

/** An op received tensors that live on different devices. Kiln never moves data behind your back. */
public class DeviceMismatchException extends KilnException {
    public DeviceMismatchException(String op, Device a, Device b) {
        super(op + ": tensors are on different devices (" + a + " and " + b
                + "); move one with tensor.to(device) before combining them");
    }

    /** The same mismatch told with more context (e.g. the layer that ran the op); {@code cause} keeps the op's own error. */
    public DeviceMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
