package dev.kiln.conformance;

import dev.kiln.api.DType;
import dev.kiln.api.spi.Op;

/** One recorded case: which op on which backend and dtype, its outcome, and the largest errors seen. */
public record CaseResult(Op op, String backend, DType dtype, String test, Outcome outcome, String reason,
                         double maxAbs, double maxRel, int comparisons) {
}
