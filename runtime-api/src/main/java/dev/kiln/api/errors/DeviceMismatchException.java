package dev.kiln.api.errors;

import dev.kiln.api.Device;

/** An op received tensors that live on different devices. Kiln never moves data behind your back. */
public class DeviceMismatchException extends KilnException {
    public DeviceMismatchException(String op, Device a, Device b) {
        super(op + ": tensors are on different devices (" + a + " and " + b
                + "); move one with tensor.to(device) before combining them");
    }
}
