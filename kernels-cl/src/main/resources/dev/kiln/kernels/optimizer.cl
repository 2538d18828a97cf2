/*
 * Fused optimizer steps with the update rules of torch.optim (single tensor, no amsgrad, no
 * maximize): one work-item per parameter element updates the parameter and its state in place.
 * Hyper-parameters arrive as ACC and the update is computed in ACC. Optional state is guarded by
 * a flag; when the flag is 0 the pointer is any valid buffer and is not touched.
 */
#include "prelude.h"

/* g = grad + wd*p; with momentum buf = first ? g : momentum*buf + (1-dampening)*g, step buf or g + momentum*buf (Nesterov). */
KERNEL void KNAME(sgd_step)(int n, ACC lr, ACC momentum, ACC dampening, ACC weight_decay, int nesterov, int first_step,
                            GLOBAL T *param, int p_off, GLOBAL const T *grad, int g_off,
                            int has_momentum, GLOBAL T *momentum_buf, int m_off) {
    int i = GID(0);
    if (i >= n) {
        return;
    }
    ACC w = param[p_off + i];
    ACC d = (ACC) grad[g_off + i] + weight_decay * w;
    if (has_momentum) {
        ACC buf = first_step ? d : momentum * (ACC) momentum_buf[m_off + i] + ((ACC) 1 - dampening) * d;
        momentum_buf[m_off + i] = (T) buf;
        d = nesterov ? d + momentum * buf : buf;
    }
    param[p_off + i] = (T) (w - lr * d);
}

/*
 * One element of Adam (L2 weight decay folded into the gradient) or AdamW (decoupled: p *= 1 - lr*wd),
 * at the given positions of the parameter, gradient and state: adam_step's work-item, and
 * adam_steps.cl's for several parameters in one launch.
 */
INLINE void adam_update(ACC lr, ACC beta1, ACC beta2, ACC eps, ACC weight_decay, int decoupled, ACC step_size, ACC bias2_sqrt,
                        GLOBAL T *param, GLOBAL const T *grad, GLOBAL T *exp_avg, GLOBAL T *exp_avg_sq) {
    ACC w = *param;
    ACC d = *grad;
    if (decoupled) {
        w *= (ACC) 1 - lr * weight_decay;
    } else {
        d += weight_decay * w;
    }
    ACC m = *exp_avg;
    m += (d - m) * ((ACC) 1 - beta1);
    ACC v = beta2 * (ACC) *exp_avg_sq + ((ACC) 1 - beta2) * d * d;
    *exp_avg = (T) m;
    *exp_avg_sq = (T) v;
    *param = (T) (w - step_size * m / (sqrt(v) / bias2_sqrt + eps));
}

KERNEL void KNAME(adam_step)(int n, ACC lr, ACC beta1, ACC beta2, ACC eps, ACC weight_decay, int decoupled,
                             ACC step_size, ACC bias2_sqrt,
                             GLOBAL T *param, int p_off, GLOBAL const T *grad, int g_off,
                             GLOBAL T *exp_avg, int m_off, GLOBAL T *exp_avg_sq, int v_off) {
    int i = GID(0);
    if (i >= n) {
        return;
    }
    adam_update(lr, beta1, beta2, eps, weight_decay, decoupled, step_size, bias2_sqrt,
                param + p_off + i, grad + g_off + i, exp_avg + m_off + i, exp_avg_sq + v_off + i);
}

/* RMSprop, optionally centered (subtracting the squared running mean) and with momentum. */
KERNEL void KNAME(rmsprop_step)(int n, ACC lr, ACC alpha, ACC eps, ACC weight_decay, ACC momentum, int centered,
                                GLOBAL T *param, int p_off, GLOBAL const T *grad, int g_off,
                                GLOBAL T *square_avg, int s_off,
                                int has_momentum, GLOBAL T *momentum_buf, int m_off,
                                GLOBAL T *grad_avg, int ga_off) {
    int i = GID(0);
    if (i >= n) {
        return;
    }
    ACC w = param[p_off + i];
    ACC d = (ACC) grad[g_off + i] + weight_decay * w;
    ACC sq = alpha * (ACC) square_avg[s_off + i] + ((ACC) 1 - alpha) * d * d;
    square_avg[s_off + i] = (T) sq;
    ACC avg;
    if (centered) {
        ACC ga = grad_avg[ga_off + i];
        ga += (d - ga) * ((ACC) 1 - alpha);
        grad_avg[ga_off + i] = (T) ga;
        avg = sqrt(sq - ga * ga) + eps;
    } else {
        avg = sqrt(sq) + eps;
    }
    if (has_momentum) {
        ACC buf = momentum * (ACC) momentum_buf[m_off + i] + d / avg;
        momentum_buf[m_off + i] = (T) buf;
        param[p_off + i] = (T) (w - lr * buf);
    } else {
        param[p_off + i] = (T) (w - lr * d / avg);
    }
}

/* Adagrad with the decayed rate clr = lr / (1 + (step-1)*lr_decay) computed by the host. */
KERNEL void KNAME(adagrad_step)(int n, ACC clr, ACC weight_decay, ACC eps,
                                GLOBAL T *param, int p_off, GLOBAL const T *grad, int g_off,
                                GLOBAL T *state_sum, int s_off) {
    int i = GID(0);
    if (i >= n) {
        return;
    }
    ACC w = param[p_off + i];
    ACC d = (ACC) grad[g_off + i] + weight_decay * w;
    ACC sum = (ACC) state_sum[s_off + i] + d * d;
    state_sum[s_off + i] = (T) sum;
    param[p_off + i] = (T) (w - clr * d / (sqrt(sum) + eps));
}

KERNEL void KNAME(adadelta_step)(int n, ACC lr, ACC rho, ACC eps, ACC weight_decay,
                                 GLOBAL T *param, int p_off, GLOBAL const T *grad, int g_off,
                                 GLOBAL T *square_avg, int s_off, GLOBAL T *acc_delta, int a_off) {
    int i = GID(0);
    if (i >= n) {
        return;
    }
    ACC w = param[p_off + i];
    ACC d = (ACC) grad[g_off + i] + weight_decay * w;
    ACC sq = rho * (ACC) square_avg[s_off + i] + ((ACC) 1 - rho) * d * d;
    ACC acc = acc_delta[a_off + i];
    ACC delta = sqrt(acc + eps) / sqrt(sq + eps) * d;
    square_avg[s_off + i] = (T) sq;
    acc_delta[a_off + i] = (T) (rho * acc + ((ACC) 1 - rho) * delta * delta);
    param[p_off + i] = (T) (w - lr * delta);
}
