/*
 * gather, indexSelect and scatterAdd along one axis. Views arrive unmerged (their true rank) so
 * the axis keeps its meaning. Indices are I32; one out of range is written to the error flag and
 * reported when the host synchronises. scatterAdd is deterministic without atomics: each
 * destination element adds its contributions itself, in index order.
 */
#include "prelude.h"

/* out[c] = x[c with c[axis] = index[c]]; index and out share a shape. */
KERNEL void KNAME(gather)(int n, int axis, Strided xv, GLOBAL const T *x, Strided iv, GLOBAL const int *index,
                          Strided ov, GLOBAL T *out, GLOBAL int *err) {
    int i = GID(0);
    if (i >= n) {
        return;
    }
    int flat = i;
    int xi = xv.offset;
    int ii = iv.offset;
    int oi = ov.offset;
    for (int d = ov.rank - 1; d >= 0; d--) {
        int c = flat % ov.shape[d];
        flat /= ov.shape[d];
        ii += c * iv.strides[d];
        oi += c * ov.strides[d];
        if (d != axis) {
            xi += c * xv.strides[d];
        }
    }
    int j = index[ii];
    int limit = xv.shape[axis];
    if (j < 0 || j >= limit) {
        report_error(err, ERR_GATHER_INDEX, j, limit);
        return;
    }
    out[oi] = x[xi + j * xv.strides[axis]];
}

/* out[c] = x[c with c[axis] = index[c[axis]]]; index is one-dimensional. */
KERNEL void KNAME(index_select)(int n, int axis, Strided xv, GLOBAL const T *x, Strided iv, GLOBAL const int *index,
                                Strided ov, GLOBAL T *out, GLOBAL int *err) {
    int i = GID(0);
    if (i >= n) {
        return;
    }
    int flat = i;
    int xi = xv.offset;
    int oi = ov.offset;
    int at = 0;
    for (int d = ov.rank - 1; d >= 0; d--) {
        int c = flat % ov.shape[d];
        flat /= ov.shape[d];
        oi += c * ov.strides[d];
        if (d == axis) {
            at = c;
        } else {
            xi += c * xv.strides[d];
        }
    }
    int j = index[iv.offset + at * iv.strides[0]];
    int limit = xv.shape[axis];
    if (j < 0 || j >= limit) {
        report_error(err, ERR_INDEX_SELECT_INDEX, j, limit);
        return;
    }
    out[oi] = x[xi + j * xv.strides[axis]];
}

/* Flags every index outside [0, limit); runs before scatter_add, which skips them. */
KERNEL void KNAME(scatter_add_check)(int n, int limit, Strided iv, GLOBAL const int *index, GLOBAL int *err) {
    int i = GID(0);
    if (i < n) {
        int j = index[strided_index(iv, i)];
        if (j < 0 || j >= limit) {
            report_error(err, ERR_SCATTER_ADD_INDEX, j, limit);
        }
    }
}

/*
 * dst[c] += src[c with c[axis] = j] for every j whose index[c with c[axis] = j] equals c[axis],
 * in increasing j: the order a sequential loop over src would add them.
 */
KERNEL void KNAME(scatter_add)(int n, int axis, Strided dv, GLOBAL T *dst, Strided iv, GLOBAL const int *index,
                               Strided sv, GLOBAL const T *src) {
    int i = GID(0);
    if (i >= n) {
        return;
    }
    int flat = i;
    int di = dv.offset;
    int ii = iv.offset;
    int si = sv.offset;
    int target = 0;
    for (int d = dv.rank - 1; d >= 0; d--) {
        int c = flat % dv.shape[d];
        flat /= dv.shape[d];
        di += c * dv.strides[d];
        if (d == axis) {
            target = c;
        } else {
            if (c >= iv.shape[d]) {
                return; /* no index element reaches this row */
            }
            ii += c * iv.strides[d];
            si += c * sv.strides[d];
        }
    }
    T acc = dst[di];
    int count = iv.shape[axis];
    for (int j = 0; j < count; j++) {
        if (index[ii + j * iv.strides[axis]] == target) {
            acc += src[si + j * sv.strides[axis]];
        }
    }
    dst[di] = acc;
}
