package dev.kiln.api.errors;

import dev.kiln.api.DType;

/** A backend does not implement an op for a dtype. Kiln never falls back to another backend silently. */
public class UnsupportedOpException extends KilnException {
    public UnsupportedOpException(String op, DType dtype, String backend) {
        super(op + " is not supported for dtype " + dtype + " on backend '" + backend
                + "'; cast the input (tensor.to(DType...)) or run on a backend that has it");
    }
}
