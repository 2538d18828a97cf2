package dev.kiln.conformance;

/** What happened to one case. UNSUPPORTED (the backend said {@code supports(op, dtype) == false}) is never a pass. */
public enum Outcome {
    PASS, FAIL, UNSUPPORTED,
    /** The backend could not be opened and is not required: nothing ran. */
    SKIPPED
}
