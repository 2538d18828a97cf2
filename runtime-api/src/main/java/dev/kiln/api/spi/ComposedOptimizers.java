package dev.kiln.api.spi;

import static dev.kiln.api.spi.BinaryOp.ADD;
import static dev.kiln.api.spi.BinaryOp.DIV;
import static dev.kiln.api.spi.BinaryOp.MUL;
import static dev.kiln.api.spi.BinaryOp.SUB;

import dev.kiln.api.spi.params.AdadeltaParams;
import dev.kiln.api.spi.params.AdagradParams;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.RmspropParams;
import dev.kiln.api.spi.params.SgdParams;

/**
 * Optimizer steps as PyTorch's {@code torch.optim} (single-tensor path), composed from elementwise
 * tier-1 ops. New state is computed into temporaries, then copied over the old state.
 */
final class ComposedOptimizers {
    private ComposedOptimizers() {
    }

    static void sgd(PrimitiveOps ops, BufferView param, BufferView grad, BufferView momentumBuf, SgdParams p) {
        check("sgdStep", param, grad, momentumBuf);
        if (p.momentum() != 0 && momentumBuf == null) {
            throw new IllegalArgumentException("sgdStep: momentum " + p.momentum() + " needs a momentum buffer, got null");
        }
        try (Scratch s = new Scratch(ops)) {
            BufferView g = decayed(s, grad, param, p.weightDecay());
            BufferView step = g;
            if (p.momentum() != 0) {
                BufferView buf = p.firstStep() ? g
                        : s.binary(ADD, s.binary(MUL, momentumBuf, p.momentum()), s.binary(MUL, g, 1 - p.dampening()));
                ops.copy(buf, momentumBuf);
                step = p.nesterov() ? s.binary(ADD, g, s.binary(MUL, buf, p.momentum())) : buf;
            }
            descend(s, param, step, p.lr());
        }
    }

    static void adam(PrimitiveOps ops, BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq, AdamParams p) {
        check("adamStep", param, grad, expAvg, expAvgSq);
        try (Scratch s = new Scratch(ops)) {
            BufferView g = grad;
            if (p.decoupledWeightDecay()) {
                if (p.weightDecay() != 0) {
                    ops.copy(s.binary(MUL, param, 1 - p.lr() * p.weightDecay()), param);
                }
            } else {
                g = decayed(s, grad, param, p.weightDecay());
            }
            BufferView m = movingAverage(s, expAvg, g, p.beta1());
            BufferView v = movingAverage(s, expAvgSq, s.unary(UnaryOp.SQUARE, g), p.beta2());
            double bias1 = 1 - Math.pow(p.beta1(), p.step());
            double bias2 = 1 - Math.pow(p.beta2(), p.step());
            BufferView denom = s.binary(ADD, s.binary(DIV, s.unary(UnaryOp.SQRT, v), Math.sqrt(bias2)), p.eps());
            descend(s, param, s.binary(DIV, m, denom), p.lr() / bias1);
        }
    }

    static void rmsprop(PrimitiveOps ops, BufferView param, BufferView grad, BufferView squareAvg, BufferView momentumBuf,
                        BufferView gradAvg, RmspropParams p) {
        check("rmspropStep", param, grad, squareAvg, momentumBuf, gradAvg);
        if (p.momentum() > 0 && momentumBuf == null || p.centered() && gradAvg == null) {
            throw new IllegalArgumentException("rmspropStep: momentum " + p.momentum() + " and centered " + p.centered()
                    + " need the momentum buffer and the gradient average, got " + momentumBuf + " and " + gradAvg);
        }
        try (Scratch s = new Scratch(ops)) {
            BufferView g = decayed(s, grad, param, p.weightDecay());
            BufferView sq = movingAverage(s, squareAvg, s.unary(UnaryOp.SQUARE, g), p.alpha());
            BufferView var = sq;
            if (p.centered()) {
                BufferView avg = movingAverage(s, gradAvg, g, p.alpha());
                var = s.binary(SUB, sq, s.unary(UnaryOp.SQUARE, avg));
            }
            BufferView step = s.binary(DIV, g, s.binary(ADD, s.unary(UnaryOp.SQRT, var), p.eps()));
            if (p.momentum() > 0) {
                step = s.binary(ADD, s.binary(MUL, momentumBuf, p.momentum()), step);
                ops.copy(step, momentumBuf);
            }
            descend(s, param, step, p.lr());
        }
    }

    static void adagrad(PrimitiveOps ops, BufferView param, BufferView grad, BufferView stateSum, AdagradParams p) {
        check("adagradStep", param, grad, stateSum);
        try (Scratch s = new Scratch(ops)) {
            BufferView g = decayed(s, grad, param, p.weightDecay());
            BufferView sum = s.binary(ADD, stateSum, s.unary(UnaryOp.SQUARE, g));
            ops.copy(sum, stateSum);
            double clr = p.lr() / (1 + (p.step() - 1) * p.lrDecay());
            descend(s, param, s.binary(DIV, g, s.binary(ADD, s.unary(UnaryOp.SQRT, sum), p.eps())), clr);
        }
    }

    static void adadelta(PrimitiveOps ops, BufferView param, BufferView grad, BufferView squareAvg, BufferView accDelta,
                         AdadeltaParams p) {
        check("adadeltaStep", param, grad, squareAvg, accDelta);
        try (Scratch s = new Scratch(ops)) {
            BufferView g = decayed(s, grad, param, p.weightDecay());
            BufferView sq = movingAverage(s, squareAvg, s.unary(UnaryOp.SQUARE, g), p.rho());
            BufferView std = s.unary(UnaryOp.SQRT, s.binary(ADD, sq, p.eps()));
            BufferView delta = s.binary(MUL, s.binary(DIV, s.unary(UnaryOp.SQRT, s.binary(ADD, accDelta, p.eps())), std), g);
            movingAverage(s, accDelta, s.unary(UnaryOp.SQUARE, delta), p.rho());
            descend(s, param, delta, p.lr());
        }
    }

    /** {@code grad + weightDecay * param}, or {@code grad} itself without decay. */
    private static BufferView decayed(Scratch s, BufferView grad, BufferView param, double weightDecay) {
        return weightDecay == 0 ? grad : s.binary(ADD, grad, s.binary(MUL, param, weightDecay));
    }

    /** {@code state = rate * state + (1 - rate) * x}, written back to {@code state}; returns the new value. */
    private static BufferView movingAverage(Scratch s, BufferView state, BufferView x, double rate) {
        BufferView next = s.binary(ADD, s.binary(MUL, state, rate), s.binary(MUL, x, 1 - rate));
        s.ops().copy(next, state);
        return next;
    }

    /** {@code param -= lr * step}. */
    private static void descend(Scratch s, BufferView param, BufferView step, double lr) {
        s.ops().copy(s.binary(SUB, param, s.binary(MUL, step, lr)), param);
    }

    private static void check(String op, BufferView param, BufferView... state) {
        ComposedChecks.floating(op, param, state);
        for (BufferView v : state) {
            ComposedChecks.shape(op, "a gradient or state buffer", v, param.shape().toArray());
        }
    }
}
