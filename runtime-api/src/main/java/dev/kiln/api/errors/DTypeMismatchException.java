package dev.kiln.api.errors;

import dev.kiln.api.DType;

/** An op received a tensor of a dtype it does not take. */
public class DTypeMismatchException extends KilnException {
    public DTypeMismatchException(String op, DType got, String expected) {
        super(op + ": got dtype " + got + ", expected " + expected);
    }
}
