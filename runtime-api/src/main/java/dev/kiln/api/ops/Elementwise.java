package dev.kiln.api.ops;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.autograd.Autograd;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.UnaryOp;

/**
 * Elementwise arithmetic with NumPy / PyTorch broadcasting (stride-0 views, never copies) and the
 * gradient rule of each op next to its forward. Operands must share device and dtype; a double
 * operand becomes a rank-0 tensor of the tensor's dtype. Gradient rules run inside the scope that
 * {@code backward()} opens, which frees their temporaries.
 */
public final class Elementwise {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    private Elementwise() {
    }

    // ------------------------------------------------------------------ tensor (x) tensor

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = Kernels.binary("add", BinaryOp.ADD, a, b);
        Shape sa = a.shape();
        Shape sb = b.shape();
        return Autograd.record("add", out, g -> new Tensor[] {g.sumTo(sa), g.sumTo(sb)}, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = Kernels.binary("sub", BinaryOp.SUB, a, b);
        Shape sa = a.shape();
        Shape sb = b.shape();
        return Autograd.record("sub", out, g -> new Tensor[] {g.sumTo(sa), b.requiresGrad() ? g.neg().sumTo(sb) : null}, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = Kernels.binary("mul", BinaryOp.MUL, a, b);
        return Autograd.record("mul", out, g -> new Tensor[] {
            a.requiresGrad() ? g.mul(b).sumTo(a.shape()) : null,
            b.requiresGrad() ? g.mul(a).sumTo(b.shape()) : null}, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = Kernels.binary("div", BinaryOp.DIV, a, b);
        return Autograd.record("div", out, g -> new Tensor[] {
            a.requiresGrad() ? g.div(b).sumTo(a.shape()) : null,
            // d(a/b)/db = -(a/b)/b
            b.requiresGrad() ? g.mul(out).div(b).neg().sumTo(b.shape()) : null}, a, b);
    }

    /** {@code a^b}. The exponent's gradient {@code a^b ln a} is taken as 0 where {@code a <= 0}. */
    public static Tensor pow(Tensor a, Tensor b) {
        Tensor out = Kernels.binary("pow", BinaryOp.POW, a, b);
        return Autograd.record("pow", out, g -> new Tensor[] {
            a.requiresGrad() ? Tensor.where(b.eq(0), zeroLike(g), g.mul(b).mul(a.pow(b.sub(1)))).sumTo(a.shape()) : null,
            b.requiresGrad() ? Tensor.where(a.gt(0), g.mul(out).mul(a.log()), zeroLike(g)).sumTo(b.shape()) : null}, a, b);
    }

    /** Elementwise maximum; where both are equal each receives half the gradient (PyTorch's rule). */
    public static Tensor maximum(Tensor a, Tensor b) {
        Tensor out = Kernels.binary("maximum", BinaryOp.MAXIMUM, a, b);
        return Autograd.record("maximum", out, g -> splitBetween(g, tieWeights(a.gt(b), a.eq(b), g.dtype()), a, b), a, b);
    }

    /** Elementwise minimum; where both are equal each receives half the gradient (PyTorch's rule). */
    public static Tensor minimum(Tensor a, Tensor b) {
        Tensor out = Kernels.binary("minimum", BinaryOp.MINIMUM, a, b);
        return Autograd.record("minimum", out, g -> splitBetween(g, tieWeights(a.lt(b), a.eq(b), g.dtype()), a, b), a, b);
    }

    /** The share of the gradient that goes to the first operand: 1 where it won, 1/2 on ties, 0 elsewhere. */
    private static Tensor tieWeights(Tensor won, Tensor tie, DType dtype) {
        return won.to(dtype).add(tie.to(dtype).mul(0.5));
    }

    private static Tensor[] splitBetween(Tensor g, Tensor weightOfA, Tensor a, Tensor b) {
        Tensor ga = g.mul(weightOfA);
        return new Tensor[] {
            a.requiresGrad() ? ga.sumTo(a.shape()) : null,
            b.requiresGrad() ? g.sub(ga).sumTo(b.shape()) : null};
    }

    // ------------------------------------------------------------------ tensor (x) double

    public static Tensor add(Tensor x, double c) {
        Tensor out = Kernels.binaryWithScalar("add", BinaryOp.ADD, x, c, false);
        return Autograd.record("add", out, g -> new Tensor[] {g}, x);
    }

    public static Tensor sub(Tensor x, double c) {
        Tensor out = Kernels.binaryWithScalar("sub", BinaryOp.SUB, x, c, false);
        return Autograd.record("sub", out, g -> new Tensor[] {g}, x);
    }

    /** {@code c - x}. */
    public static Tensor rsub(Tensor x, double c) {
        Tensor out = Kernels.binaryWithScalar("rsub", BinaryOp.SUB, x, c, true);
        return Autograd.record("rsub", out, g -> new Tensor[] {g.neg()}, x);
    }

    public static Tensor mul(Tensor x, double c) {
        Tensor out = Kernels.binaryWithScalar("mul", BinaryOp.MUL, x, c, false);
        return Autograd.record("mul", out, g -> new Tensor[] {g.mul(c)}, x);
    }

    public static Tensor div(Tensor x, double c) {
        Tensor out = Kernels.binaryWithScalar("div", BinaryOp.DIV, x, c, false);
        return Autograd.record("div", out, g -> new Tensor[] {g.div(c)}, x);
    }

    public static Tensor pow(Tensor x, double c) {
        Tensor out = Kernels.binaryWithScalar("pow", BinaryOp.POW, x, c, false);
        return Autograd.record("pow", out, g -> new Tensor[] {c == 0 ? zeros(g) : g.mul(x.pow(c - 1)).mul(c)}, x);
    }

    public static Tensor maximum(Tensor x, double c) {
        Tensor out = Kernels.binaryWithScalar("maximum", BinaryOp.MAXIMUM, x, c, false);
        return Autograd.record("maximum", out, g -> new Tensor[] {g.mul(tieWeights(x.gt(c), x.eq(c), g.dtype()))}, x);
    }

    public static Tensor minimum(Tensor x, double c) {
        Tensor out = Kernels.binaryWithScalar("minimum", BinaryOp.MINIMUM, x, c, false);
        return Autograd.record("minimum", out, g -> new Tensor[] {g.mul(tieWeights(x.lt(c), x.eq(c), g.dtype()))}, x);
    }

    /** Limits values to {@code [min, max]}; the gradient passes where {@code min <= x <= max}, as PyTorch. */
    public static Tensor clamp(Tensor x, double min, double max) {
        Tensor out;
        try (Tensor low = Kernels.binaryWithScalar("clamp", BinaryOp.MAXIMUM, x, min, false)) {
            out = Kernels.binaryWithScalar("clamp", BinaryOp.MINIMUM, low, max, false);
        }
        return Autograd.record("clamp", out, g -> new Tensor[] {Tensor.where(x.ge(min).logicalAnd(x.le(max)), g, zeroLike(g))}, x);
    }

    /** {@code cond ? a : b} elementwise, with {@code cond} (BOOL), {@code a} and {@code b} broadcast together. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Tensor out = Kernels.where(cond, a, b);
        return Autograd.record("where", out, g -> new Tensor[] {
            null,
            a.requiresGrad() ? Tensor.where(cond, g, zeroLike(g)).sumTo(a.shape()) : null,
            b.requiresGrad() ? Tensor.where(cond, zeroLike(g), g).sumTo(b.shape()) : null}, cond, a, b);
    }

    // ------------------------------------------------------------------ unary

    public static Tensor neg(Tensor x) {
        return Autograd.record("neg", Kernels.unary(UnaryOp.NEG, x), g -> new Tensor[] {g.neg()}, x);
    }

    public static Tensor abs(Tensor x) {
        return Autograd.record("abs", Kernels.unary(UnaryOp.ABS, x), g -> new Tensor[] {g.mul(x.sign())}, x);
    }

    /** -1, 0 or 1; its gradient is zero. */
    public static Tensor sign(Tensor x) {
        return Autograd.record("sign", Kernels.unary(UnaryOp.SIGN, x), g -> new Tensor[] {zeros(g)}, x);
    }

    public static Tensor exp(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.EXP, x);
        return Autograd.record("exp", out, g -> new Tensor[] {g.mul(out)}, x);
    }

    public static Tensor log(Tensor x) {
        return Autograd.record("log", Kernels.unary(UnaryOp.LOG, x), g -> new Tensor[] {g.div(x)}, x);
    }

    public static Tensor sqrt(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.SQRT, x);
        return Autograd.record("sqrt", out, g -> new Tensor[] {g.div(out).mul(0.5)}, x);
    }

    public static Tensor rsqrt(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.RSQRT, x);
        return Autograd.record("rsqrt", out, g -> new Tensor[] {g.mul(out.pow(3)).mul(-0.5)}, x);
    }

    public static Tensor reciprocal(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.RECIPROCAL, x);
        return Autograd.record("reciprocal", out, g -> new Tensor[] {g.mul(out.square()).neg()}, x);
    }

    public static Tensor square(Tensor x) {
        return Autograd.record("square", Kernels.unary(UnaryOp.SQUARE, x), g -> new Tensor[] {g.mul(x).mul(2)}, x);
    }

    public static Tensor sin(Tensor x) {
        return Autograd.record("sin", Kernels.unary(UnaryOp.SIN, x), g -> new Tensor[] {g.mul(x.cos())}, x);
    }

    public static Tensor cos(Tensor x) {
        return Autograd.record("cos", Kernels.unary(UnaryOp.COS, x), g -> new Tensor[] {g.mul(x.sin()).neg()}, x);
    }

    public static Tensor tanh(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.TANH, x);
        return Autograd.record("tanh", out, g -> new Tensor[] {tanhGradient(out, g)}, x);
    }

    /** {@code g * (1 - y^2)} in one fused op (the backend's tanhBackward), not three elementwise passes. */
    private static Tensor tanhGradient(Tensor y, Tensor g) {
        Tensor dx = Operands.empty(y.backend(), y.dtype(), y.shape());
        if (y.numel() > 0) {
            y.backend().tanhBackward(y.view(), g.contiguous().view(), dx.view());
        }
        return dx;
    }

    public static Tensor sigmoid(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.SIGMOID, x);
        return Autograd.record("sigmoid", out, g -> new Tensor[] {g.mul(out).mul(out.rsub(1))}, x);
    }

    /** {@code max(x, 0)}; the gradient at 0 is 0, as PyTorch. */
    public static Tensor relu(Tensor x) {
        return Autograd.record("relu", Kernels.unary(UnaryOp.RELU, x), g -> new Tensor[] {Tensor.where(x.gt(0), g, zeroLike(g))}, x);
    }

    /** {@code x} where {@code x > 0}, else {@code slope * x}. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        Tensor out;
        try (Tensor positive = Kernels.binaryWithScalar("leakyRelu", BinaryOp.GT, x, 0, false);
             Tensor scaled = Kernels.binaryWithScalar("leakyRelu", BinaryOp.MUL, x, slope, false)) {
            out = Kernels.where(positive, x, scaled);
        }
        return Autograd.record("leakyRelu", out, g -> new Tensor[] {Tensor.where(x.gt(0), g, g.mul(slope))}, x);
    }

    /** The exact GELU {@code x * Phi(x)}; gradient {@code Phi(x) + x * phi(x)}. */
    public static Tensor gelu(Tensor x) {
        return Autograd.record("gelu", Kernels.unary(UnaryOp.GELU, x), g -> {
            Tensor cdf = x.mul(SQRT_HALF).erf().add(1).mul(0.5);
            Tensor pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
            return new Tensor[] {g.mul(cdf.add(x.mul(pdf)))};
        }, x);
    }

    public static Tensor erf(Tensor x) {
        return Autograd.record("erf", Kernels.unary(UnaryOp.ERF, x),
                g -> new Tensor[] {g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI))}, x);
    }

    /** Piecewise constant: zero gradient. */
    public static Tensor floor(Tensor x) {
        return Autograd.record("floor", Kernels.unary(UnaryOp.FLOOR, x), g -> new Tensor[] {zeros(g)}, x);
    }

    public static Tensor ceil(Tensor x) {
        return Autograd.record("ceil", Kernels.unary(UnaryOp.CEIL, x), g -> new Tensor[] {zeros(g)}, x);
    }

    /** Round half to even; zero gradient. */
    public static Tensor round(Tensor x) {
        return Autograd.record("round", Kernels.unary(UnaryOp.ROUND, x), g -> new Tensor[] {zeros(g)}, x);
    }

    private static Tensor zeroLike(Tensor g) {
        return Operands.scalar(g.backend(), g.dtype(), 0);
    }

    private static Tensor zeros(Tensor g) {
        return Operands.zeros(g.backend(), g.dtype(), g.shape());
    }
}
