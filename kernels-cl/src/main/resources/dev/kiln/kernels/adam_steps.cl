/*
 * Adam steps of up to eight parameters with one set of hyper-parameters in one launch: an
 * optimizer steps every parameter in turn, and a launch of adam_step per parameter, tiny biases
 * included, costs a CPU driver more in queueing than in updating. Each work-item updates a run of
 * up to len consecutive elements of one parameter (a loop the compiler vectorises; one work-item
 * per element with a branch per parameter ran ~6x slower on PoCL): parameter t, of n<t> elements,
 * has the runs from runs<t-1> to runs<t> (cumulative). Slots past the last parameter repeat the
 * run count before them (no runs) and pass buffers that are never touched. Each element's update
 * is optimizer.cl's adam_update, so the values are adam_step's.
 */
#include "optimizer.cl"

#define ADAM_SLOT(t) GLOBAL T *p##t, int po##t, GLOBAL const T *g##t, int go##t, \
                     GLOBAL T *m##t, int mo##t, GLOBAL T *v##t, int vo##t, int n##t, int runs##t

#define ADAM_RUN(t, first) \
    if (run < runs##t) { \
        int start = (run - (first)) * len; \
        int count = min(len, n##t - start); \
        GLOBAL T *p = p##t + po##t + start; \
        GLOBAL const T *g = g##t + go##t + start; \
        GLOBAL T *m = m##t + mo##t + start; \
        GLOBAL T *v = v##t + vo##t + start; \
        for (int k = 0; k < count; k++) { \
            adam_update(lr, beta1, beta2, eps, weight_decay, decoupled, step_size, bias2_sqrt, p + k, g + k, m + k, v + k); \
        } \
        return; \
    }

KERNEL void KNAME(adam_steps)(int len, ACC lr, ACC beta1, ACC beta2, ACC eps, ACC weight_decay, int decoupled,
                              ACC step_size, ACC bias2_sqrt,
                              ADAM_SLOT(0), ADAM_SLOT(1), ADAM_SLOT(2), ADAM_SLOT(3),
                              ADAM_SLOT(4), ADAM_SLOT(5), ADAM_SLOT(6), ADAM_SLOT(7)) {
    int run = GID(0);
    ADAM_RUN(0, 0)
    ADAM_RUN(1, runs0)
    ADAM_RUN(2, runs1)
    ADAM_RUN(3, runs2)
    ADAM_RUN(4, runs3)
    ADAM_RUN(5, runs4)
    ADAM_RUN(6, runs5)
    ADAM_RUN(7, runs6)
}
