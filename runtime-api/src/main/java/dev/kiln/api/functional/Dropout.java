package dev.kiln.api.functional;

import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.random.DropoutKey;

/** Inverted dropout whose mask is a function of its {@link DropoutKey}, regenerated in backward rather than stored. */
public final class Dropout {
    private Dropout() {
    }

    /**
     * In training, zeroes each element with probability {@code p} and scales the others by
     * {@code 1/(1-p)}; in evaluation (or with {@code p == 0}) returns {@code x} itself.
     */
    public static Tensor dropout(Tensor x, double p, DropoutKey key, boolean training) {
        String op = "dropout";
        Checks.requireNonNull(op, x, "x");
        Checks.requireFloating(op, x, "x");
        Checks.requireProbability(op, p, "p");
        if (!training || p == 0) {
            return x;
        }
        if (key == null) {
            throw new IllegalArgumentException(op + ": training with p = " + p + " needs a DropoutKey (seed, layer, step)"
                    + " that identifies the mask");
        }
        Tensor xc = x.contiguous();
        Tensor out = Kernels.emptyLike(xc);
        if (p == 1) {
            // every element is dropped: the kernel's 1/(1-p) scale is undefined here
            xc.backend().fill(Kernels.view(out), 0.0);
            Kernels.releaseIfNoGrad(new Tensor[] {xc}, Kernels.madeCopy(x, xc));
            return Autograd.record(op, out, g -> new Tensor[] {zerosLike(xc)}, xc);
        }
        xc.backend().dropout(Kernels.view(xc), p, key, Kernels.view(out));
        Kernels.releaseIfNoGrad(new Tensor[] {xc}, Kernels.madeCopy(x, xc));
        return Autograd.record(op, out, g -> {
            Tensor dx = Kernels.emptyLike(xc);
            xc.backend().dropout(Kernels.view(g.contiguous()), p, key, Kernels.view(dx));
            return new Tensor[] {dx};
        }, xc);
    }

    private static Tensor zerosLike(Tensor t) {
        Tensor z = Kernels.emptyLike(t);
        t.backend().fill(Kernels.view(z), 0.0);
        return z;
    }
}
