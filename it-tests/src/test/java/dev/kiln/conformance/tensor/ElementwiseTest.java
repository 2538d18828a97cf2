package dev.kiln.conformance.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Op;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.ConformanceExtension;
import dev.kiln.conformance.Target;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.gradients.GradientCheck;
import dev.kiln.conformance.gradients.GradientCheck.Input;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(ConformanceExtension.class)
class ElementwiseTest {
    private static final int[][][] BROADCAST_PAIRS = {
        {{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{2, 1}, {1, 3}}, {{4, 1, 3}, {2, 1}}, {{}, {2, 2}}, {{0, 3}, {3}},
    };

    static double[] values(long seed, int n, double lo, double hi) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void binaryOpsBroadcastLikeNumpy(Target target) {
        Case c = Case.start(target, Op.BINARY);
        check(c, "add", Tensor::add, Double::sum);
        check(c, "sub", Tensor::sub, (x, y) -> x - y);
        check(c, "mul", Tensor::mul, (x, y) -> x * y);
        check(c, "div", Tensor::div, (x, y) -> x / y);
        check(c, "pow", Tensor::pow, Math::pow);
        check(c, "maximum", Tensor::maximum, Math::max);
        check(c, "minimum", Tensor::minimum, Math::min);
    }

    private static void check(Case c, String name, java.util.function.BinaryOperator<Tensor> op, DoubleBinaryOperator ref) {
        for (int[][] pair : BROADCAST_PAIRS) {
            double[] a = c.rounded(values(1, Naive.numel(pair[0]), 0.5, 2));
            double[] b = c.rounded(values(2, Naive.numel(pair[1]), 0.5, 2));
            Tensor out = op.apply(c.tensor(a, pair[0]), c.tensor(b, pair[1]));
            int[] shape = Naive.broadcastShape(pair[0], pair[1]);
            assertArrayEquals(shape, out.shape().toArray(), name + " result shape");
            c.check(name + " " + java.util.Arrays.deepToString(pair), Naive.binary(a, pair[0], b, pair[1], ref), out,
                    Tolerance.elementwise(c.dtype()).scaled(4, "pow "));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void scalarOperandsTakeTheTensorsDtype(Target target) {
        Case c = Case.start(target, Op.BINARY);
        double[] x = c.rounded(values(3, 6, -2, 2));
        Tensor t = c.tensor(x, 2, 3);
        Tolerance tol = Tolerance.elementwise(c.dtype());
        double k = c.rounded(new double[] {0.75})[0];
        c.check("add(c)", Naive.unary(x, v -> v + k), t.add(0.75), tol);
        c.check("sub(c)", Naive.unary(x, v -> v - k), t.sub(0.75), tol);
        c.check("rsub(c)", Naive.unary(x, v -> k - v), t.rsub(0.75), tol);
        c.check("mul(c)", Naive.unary(x, v -> v * k), t.mul(0.75), tol);
        c.check("div(c)", Naive.unary(x, v -> v / k), t.div(0.75), tol);
        c.check("pow(2)", Naive.unary(x, v -> v * v), t.pow(2), tol);
        c.check("maximum(c)", Naive.unary(x, v -> Math.max(v, k)), t.maximum(0.75), tol);
        c.check("minimum(c)", Naive.unary(x, v -> Math.min(v, k)), t.minimum(0.75), tol);
        c.check("clamp", Naive.unary(x, v -> Math.min(Math.max(v, -1), 1)), t.clamp(-1, 1), tol);
        c.check("leakyRelu", Naive.unary(x, v -> v > 0 ? v : 0.1 * v), t.leakyRelu(0.1), tol.scaled(2, ""));
        assertEquals(c.dtype(), t.add(0.75).dtype(), "a double operand adopts the tensor's dtype");
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void unaryOpsMatchJavaMath(Target target) {
        Case c = Case.start(target, Op.UNARY);
        double[] x = c.rounded(values(4, 12, -3, 3));
        double[] pos = c.rounded(values(5, 12, 0.1, 4));
        Tensor t = c.tensor(x, 3, 4);
        Tensor p = c.tensor(pos, 3, 4);
        Tolerance tol = Tolerance.compound(c.dtype(), 1);
        c.check("neg", Naive.unary(x, v -> -v), t.neg(), tol);
        c.check("abs", Naive.unary(x, Math::abs), t.abs(), tol);
        c.check("sign", Naive.unary(x, Math::signum), t.sign(), tol);
        c.check("exp", Naive.unary(x, Math::exp), t.exp(), tol);
        c.check("log", Naive.unary(pos, Math::log), p.log(), tol);
        c.check("sqrt", Naive.unary(pos, Math::sqrt), p.sqrt(), tol);
        c.check("rsqrt", Naive.unary(pos, v -> 1 / Math.sqrt(v)), p.rsqrt(), tol);
        c.check("reciprocal", Naive.unary(pos, v -> 1 / v), p.reciprocal(), tol);
        c.check("square", Naive.unary(x, v -> v * v), t.square(), tol);
        c.check("sin", Naive.unary(x, Math::sin), t.sin(), tol);
        c.check("cos", Naive.unary(x, Math::cos), t.cos(), tol);
        c.check("tanh", Naive.unary(x, Math::tanh), t.tanh(), tol);
        c.check("sigmoid", Naive.unary(x, v -> 1 / (1 + Math.exp(-v))), t.sigmoid(), tol);
        c.check("relu", Naive.unary(x, v -> Math.max(v, 0)), t.relu(), tol);
        c.check("erf", Naive.unary(x, Naive::erf), t.erf(), tol);
        c.check("gelu", Naive.unary(x, v -> 0.5 * v * (1 + Naive.erf(v / Math.sqrt(2)))), t.gelu(), tol);
        c.check("floor", Naive.unary(x, Math::floor), t.floor(), Tolerance.EXACT);
        c.check("ceil", Naive.unary(x, Math::ceil), t.ceil(), Tolerance.EXACT);
        double[] halves = {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.4, -0.6};
        c.check("round half to even", new double[] {-2, -2, -0, 0, 2, 2, 0, -1}, c.tensor(halves, 8).round(), Tolerance.EXACT);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void binaryGradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.BINARY, Op.REDUCE);
        GradientCheck check = GradientCheck.on(c.backend());
        Input a = Input.random(11, 0.5, 2, 2, 3);
        Input row = Input.random(12, 0.5, 2, 3);
        Input column = Input.random(13, 0.5, 2, 2, 1);
        binary(check, "add", Tensor::add, a, row, column);
        binary(check, "sub", Tensor::sub, a, row, column);
        binary(check, "mul", Tensor::mul, a, row, column);
        binary(check, "div", Tensor::div, a, row, column);
        binary(check, "pow", Tensor::pow, a, row, column);
        Input shifted = Input.of(new double[] {3, 0.1, 2, 0.7, 1.5, 0.2}, 2, 3);
        binary(check, "maximum", Tensor::maximum, a, shifted, shifted);
        binary(check, "minimum", Tensor::minimum, a, shifted, shifted);
        check.check("where", xs -> Tensor.where(xs[0].gt(1.2), xs[0], xs[1]), a, row);
    }

    private static void binary(GradientCheck check, String name, java.util.function.BinaryOperator<Tensor> op,
                               Input a, Input row, Input column) {
        check.check(name + " same shape", xs -> op.apply(xs[0], xs[1]), a, Input.random(21, 0.5, 2, 2, 3));
        check.check(name + " [2,3] with [3]", xs -> op.apply(xs[0], xs[1]), a, row);
        check.check(name + " [2,1] with [3]", xs -> op.apply(xs[0], xs[1]), column, row);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void unaryAndScalarGradientsMatchFiniteDifferences(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.UNARY, Op.BINARY);
        GradientCheck check = GradientCheck.on(c.backend());
        Input x = Input.of(new double[] {-1.7, -0.6, -0.2, 0.3, 0.9, 1.8}, 2, 3);
        Input pos = Input.random(31, 0.3, 3, 2, 3);
        unary(check, x, "neg", Tensor::neg);
        unary(check, x, "abs", Tensor::abs);
        unary(check, x, "sign", Tensor::sign);
        unary(check, x, "exp", Tensor::exp);
        unary(check, pos, "log", Tensor::log);
        unary(check, pos, "sqrt", Tensor::sqrt);
        unary(check, pos, "rsqrt", Tensor::rsqrt);
        unary(check, pos, "reciprocal", Tensor::reciprocal);
        unary(check, x, "square", Tensor::square);
        unary(check, x, "sin", Tensor::sin);
        unary(check, x, "cos", Tensor::cos);
        unary(check, x, "tanh", Tensor::tanh);
        unary(check, x, "sigmoid", Tensor::sigmoid);
        unary(check, x, "relu", Tensor::relu);
        unary(check, x, "leakyRelu", t -> t.leakyRelu(0.2));
        unary(check, x, "gelu", Tensor::gelu);
        unary(check, x, "erf", Tensor::erf);
        unary(check, x, "floor", Tensor::floor);
        unary(check, x, "ceil", Tensor::ceil);
        unary(check, x, "round", Tensor::round);
        unary(check, x, "clamp", t -> t.clamp(-1, 1));
        unary(check, x, "add(c)", t -> t.add(2.5));
        unary(check, x, "sub(c)", t -> t.sub(2.5));
        unary(check, x, "rsub(c)", t -> t.rsub(2.5));
        unary(check, x, "mul(c)", t -> t.mul(-1.5));
        unary(check, x, "div(c)", t -> t.div(-1.5));
        unary(check, pos, "pow(c)", t -> t.pow(2.5));
        unary(check, x, "pow(0)", t -> t.pow(0));
        unary(check, x, "maximum(c)", t -> t.maximum(0.5));
        unary(check, x, "minimum(c)", t -> t.minimum(0.5));
    }

    private static void unary(GradientCheck check, Input x, String name, Function<Tensor, Tensor> f) {
        check.check(name, xs -> f.apply(xs[0]), x);
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void tiesOfMaximumShareTheGradient(Target target) {
        Case c = Case.start(target.withDtype(DType.F64), Op.BINARY);
        Tensor a = c.tensor(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor b = c.tensor(new double[] {1, 5, 0}, 3).requiresGrad(true);
        a.maximum(b).sum().backward();
        c.check("d max / da", new double[] {0.5, 0, 1}, a.grad(), Tolerance.EXACT);
        c.check("d max / db", new double[] {0.5, 1, 0}, b.grad(), Tolerance.EXACT);
    }
}
