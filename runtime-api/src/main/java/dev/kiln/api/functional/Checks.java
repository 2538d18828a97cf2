package dev.kiln.api.functional;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.DeviceMismatchException;
import dev.kiln.api.errors.ShapeMismatchException;
import java.util.Arrays;

/** Argument checks shared by the functional ops; every message names the op, the argument and what was expected. */
final class Checks {
    private Checks() {
    }

    static void requireNonNull(String op, Tensor t, String name) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " must not be null");
        }
    }

    static void requireRank(String op, Tensor t, String name, int... ranks) {
        for (int r : ranks) {
            if (t.rank() == r) {
                return;
            }
        }
        String expected = ranks.length == 1 ? "rank " + ranks[0] : "rank one of " + Arrays.toString(ranks);
        throw new ShapeMismatchException(op + ": " + name + " has shape " + t.shape() + " (rank " + t.rank()
                + "), expected " + expected);
    }

    static void requireMinRank(String op, Tensor t, String name, int minRank) {
        if (t.rank() < minRank) {
            throw new ShapeMismatchException(op + ": " + name + " has shape " + t.shape() + " (rank " + t.rank()
                    + "), expected rank " + minRank + " or more");
        }
    }

    static void requireShape(String op, Tensor t, String name, Shape expected) {
        if (!t.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": " + name + " has shape " + t.shape() + ", expected " + expected);
        }
    }

    static void requireFloating(String op, Tensor t, String name) {
        if (!t.dtype().isFloating()) {
            throw new DTypeMismatchException(op + " (" + name + " " + t.shape() + ")", t.dtype(), "F32 or F64");
        }
    }

    static void requireIndex(String op, Tensor t, String name) {
        if (t.dtype() != DType.I32 && t.dtype() != DType.I64) {
            throw new DTypeMismatchException(op + " (" + name + " " + t.shape() + ")", t.dtype(), "I32 or I64 indices");
        }
    }

    static void requireDType(String op, Tensor t, String name, DType expected) {
        if (t.dtype() != expected) {
            throw new DTypeMismatchException(op + " (" + name + " " + t.shape() + ")", t.dtype(), expected.toString());
        }
    }

    /** {@code other} (nullable) must live on {@code ref}'s backend. */
    static void requireSameDevice(String op, Tensor ref, Tensor other) {
        if (other != null && other.backend() != ref.backend()) {
            throw new DeviceMismatchException(op, ref.device(), other.device());
        }
    }

    /** {@code other} (nullable) must be floating point of {@code ref}'s dtype and on its device. */
    static void requireLike(String op, Tensor ref, Tensor other, String name) {
        if (other == null) {
            return;
        }
        requireSameDevice(op, ref, other);
        if (other.dtype() != ref.dtype()) {
            throw new DTypeMismatchException(op + " (" + name + " " + other.shape() + ")", other.dtype(),
                    ref.dtype() + ", the input's dtype");
        }
    }

    static void requireProbability(String op, double p, String name) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(op + ": " + name + " must be in [0, 1], got " + p);
        }
    }

    /** A loss's {@code input} and {@code targets}: floating, one dtype, one device, one shape. */
    static void requireSameShape(String op, Tensor input, Tensor targets, String name) {
        requireNonNull(op, input, name);
        requireNonNull(op, targets, "targets");
        requireFloating(op, input, name);
        requireLike(op, input, targets, "targets");
        if (!input.shape().equals(targets.shape())) {
            throw new ShapeMismatchException(op, input.shape(), targets.shape(), name + " and targets must have one shape");
        }
    }
}
