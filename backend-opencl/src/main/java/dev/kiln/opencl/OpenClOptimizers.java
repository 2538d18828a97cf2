package dev.kiln.opencl;

import static dev.kiln.opencl.FusedArgs.optional;
import static dev.kiln.opencl.FusedArgs.view;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.Op;
import dev.kiln.api.spi.params.AdadeltaParams;
import dev.kiln.api.spi.params.AdagradParams;
import dev.kiln.api.spi.params.AdamParams;
import dev.kiln.api.spi.params.RmspropParams;
import dev.kiln.api.spi.params.SgdParams;

/**
 * Host side of optimizer.cl: one fused kernel per optimizer step, updating the parameter and its
 * state in place (on CPU devices, Adam steps go several parameters to a launch: {@link AdamSteps}). Step-dependent scalars (bias corrections, decayed rates) are computed here in
 * double and passed to the kernel.
 */
final class OpenClOptimizers {
    private static final String FILE = "optimizer.cl";

    private OpenClOptimizers() {
    }

    static void sgd(OpenClBackend backend, BufferView param, BufferView grad, BufferView momentumBuf, SgdParams p) {
        boolean momentum = p.momentum() != 0;
        if (momentum && momentumBuf == null) {
            throw new IllegalArgumentException("sgdStep: momentum " + p.momentum() + " needs a momentum buffer, got null");
        }
        BufferView buf = momentum ? momentumBuf : null;
        DType dtype = check(backend, Op.SGD_STEP, param, grad, buf);
        KernelCall call = backend.cl().kernel(FILE, "sgd_step", dtype, "").arg(param.numel())
                .acc(p.lr()).acc(p.momentum()).acc(p.dampening()).acc(p.weightDecay())
                .arg(p.nesterov() ? 1 : 0).arg(p.firstStep() ? 1 : 0);
        view(view(call, param), grad);
        optional(call, buf, param).launch(param.numel());
    }

    static void adam(OpenClBackend backend, BufferView param, BufferView grad, BufferView expAvg, BufferView expAvgSq,
                     AdamParams p) {
        if (p.step() < 1) {
            throw new IllegalArgumentException("adamStep: step counts from 1 (bias correction), got " + p.step());
        }
        DType dtype = check(backend, Op.ADAM_STEP, param, grad, expAvg, expAvgSq);
        double bias1 = 1 - Math.pow(p.beta1(), p.step());
        double bias2Sqrt = Math.sqrt(1 - Math.pow(p.beta2(), p.step()));
        if (backend.cl().properties().isCpu()) {
            backend.cl().adamSteps().add(new AdamSteps.Scalars(dtype, p.lr(), p.beta1(), p.beta2(), p.eps(), p.weightDecay(),
                    p.decoupledWeightDecay(), p.lr() / bias1, bias2Sqrt), param, grad, expAvg, expAvgSq);
            return;
        }
        KernelCall call = backend.cl().kernel(FILE, "adam_step", dtype, "").arg(param.numel())
                .acc(p.lr()).acc(p.beta1()).acc(p.beta2()).acc(p.eps()).acc(p.weightDecay())
                .arg(p.decoupledWeightDecay() ? 1 : 0).acc(p.lr() / bias1).acc(bias2Sqrt);
        view(view(view(view(call, param), grad), expAvg), expAvgSq).launch(param.numel());
    }

    static void rmsprop(OpenClBackend backend, BufferView param, BufferView grad, BufferView squareAvg,
                        BufferView momentumBuf, BufferView gradAvg, RmspropParams p) {
        boolean momentum = p.momentum() > 0;
        if (momentum && momentumBuf == null) {
            throw new IllegalArgumentException("rmspropStep: momentum " + p.momentum() + " needs a momentum buffer, got null");
        }
        if (p.centered() && gradAvg == null) {
            throw new IllegalArgumentException("rmspropStep: centered RMSprop needs a gradient average buffer, got null");
        }
        BufferView buf = momentum ? momentumBuf : null;
        BufferView avg = p.centered() ? gradAvg : null;
        DType dtype = check(backend, Op.RMSPROP_STEP, param, grad, squareAvg, buf, avg);
        KernelCall call = backend.cl().kernel(FILE, "rmsprop_step", dtype, "").arg(param.numel())
                .acc(p.lr()).acc(p.alpha()).acc(p.eps()).acc(p.weightDecay()).acc(p.momentum()).arg(p.centered() ? 1 : 0);
        view(view(view(call, param), grad), squareAvg);
        optional(call, buf, param);
        view(call, avg != null ? avg : param).launch(param.numel());
    }

    static void adagrad(OpenClBackend backend, BufferView param, BufferView grad, BufferView stateSum, AdagradParams p) {
        if (p.step() < 1) {
            throw new IllegalArgumentException("adagradStep: step counts from 1, got " + p.step());
        }
        DType dtype = check(backend, Op.ADAGRAD_STEP, param, grad, stateSum);
        double clr = p.lr() / (1 + (p.step() - 1) * p.lrDecay());
        KernelCall call = backend.cl().kernel(FILE, "adagrad_step", dtype, "").arg(param.numel())
                .acc(clr).acc(p.weightDecay()).acc(p.eps());
        view(view(view(call, param), grad), stateSum).launch(param.numel());
    }

    static void adadelta(OpenClBackend backend, BufferView param, BufferView grad, BufferView squareAvg,
                         BufferView accDelta, AdadeltaParams p) {
        DType dtype = check(backend, Op.ADADELTA_STEP, param, grad, squareAvg, accDelta);
        KernelCall call = backend.cl().kernel(FILE, "adadelta_step", dtype, "").arg(param.numel())
                .acc(p.lr()).acc(p.rho()).acc(p.eps()).acc(p.weightDecay());
        view(view(view(view(call, param), grad), squareAvg), accDelta).launch(param.numel());
    }

    /** One floating dtype, contiguous, every non-null operand shaped like the parameter. */
    private static DType check(OpenClBackend backend, Op op, BufferView param, BufferView... others) {
        DType dtype = OpenClFusedChecks.floating(backend, op, param, others);
        for (BufferView v : others) {
            if (v != null) {
                OpenClFusedChecks.shape(op, "state", v, param.shape().toArray());
            }
        }
        return dtype;
    }
}
