package dev.kiln.cuda;

import static dev.kiln.cuda.ParamKind.ACC;
import static dev.kiln.cuda.ParamKind.FLOAT;
import static dev.kiln.cuda.ParamKind.INT;
import static dev.kiln.cuda.ParamKind.LONG;
import static dev.kiln.cuda.ParamKind.POINTER;
import static dev.kiln.cuda.ParamKind.STRIDED;
import static dev.kiln.cuda.ParamKind.T;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every kernel the CUDA backend launches, declared once with its parameter kinds in the order of
 * the kernel in kernels-cl. Host code launches only through these; the build-time checks compare
 * each with the PTX entry nvcc makes of it.
 */
public final class CudaKernels {
    // elementwise.cu
    public static final KernelSignature UNARY = sig("elementwise", "unary", INT, INT, STRIDED, POINTER, STRIDED, POINTER);
    public static final KernelSignature BINARY = sig("elementwise", "binary", INT, INT, STRIDED, POINTER, STRIDED, POINTER,
            STRIDED, POINTER, POINTER);
    public static final KernelSignature WHERE = sig("elementwise", "where", INT, STRIDED, POINTER, STRIDED, POINTER,
            STRIDED, POINTER, STRIDED, POINTER);
    // copy.cu
    public static final KernelSignature COPY = sig("copy", "copy", INT, STRIDED, POINTER, STRIDED, POINTER);
    public static final KernelSignature CAST = sig("copy", "cast", INT, STRIDED, POINTER, STRIDED, POINTER);
    public static final KernelSignature FILL = sig("copy", "fill", INT, T, STRIDED, POINTER);
    public static final KernelSignature ARANGE = sig("copy", "arange", INT, ACC, ACC, STRIDED, POINTER);
    // reduce.cu
    public static final KernelSignature REDUCE = sig("reduce", "reduce", INT, INT, STRIDED, STRIDED, POINTER, STRIDED, POINTER);
    // matmul.cu
    public static final KernelSignature MATMUL = sig("matmul", "matmul", cat(ints(3), kinds(STRIDED, STRIDED, STRIDED),
            ints(6), kinds(POINTER, POINTER, POINTER)));
    // matmul_tf32.cu: the same arguments as matmul's
    public static final KernelSignature MATMUL_TF32 = sig("matmul_tf32", "matmul_tf32", cat(ints(3), kinds(STRIDED, STRIDED, STRIDED),
            ints(6), kinds(POINTER, POINTER, POINTER)));
    // indexing.cu
    public static final KernelSignature GATHER = sig("indexing", "gather", INT, INT, STRIDED, POINTER, STRIDED, POINTER,
            STRIDED, POINTER, POINTER);
    public static final KernelSignature INDEX_SELECT = sig("indexing", "index_select", INT, INT, STRIDED, POINTER, STRIDED,
            POINTER, STRIDED, POINTER, POINTER);
    public static final KernelSignature SCATTER_ADD_CHECK = sig("indexing", "scatter_add_check", INT, INT, STRIDED, POINTER,
            POINTER);
    public static final KernelSignature SCATTER_ADD = sig("indexing", "scatter_add", INT, INT, STRIDED, POINTER, STRIDED,
            POINTER, STRIDED, POINTER);
    // random.cu
    public static final KernelSignature RANDOM_BITS = sig("random", "random_bits", INT, INT, INT, LONG, INT, INT, INT, POINTER);
    // softmax.cu
    public static final KernelSignature SOFTMAX_FORWARD = sig("softmax", "softmax_forward", cat(ints(2), views(2)));
    public static final KernelSignature SOFTMAX_BACKWARD = sig("softmax", "softmax_backward", cat(ints(2), views(3)));
    // tanh_backward.cu
    public static final KernelSignature TANH_BACKWARD = sig("tanh_backward", "tanh_backward", cat(ints(1), views(3)));
    // norm.cu
    public static final KernelSignature LAYER_NORM_FORWARD = sig("norm", "layer_norm_forward", cat(kinds(INT, ACC), views(1),
            optional(2), views(3)));
    public static final KernelSignature LAYER_NORM_BACKWARD_INPUT = sig("norm", "layer_norm_backward_input", cat(ints(1),
            views(2), optional(1), views(3)));
    public static final KernelSignature LAYER_NORM_BACKWARD_AFFINE = sig("norm", "layer_norm_backward_affine", cat(ints(2),
            views(4), optional(2)));
    public static final KernelSignature BATCH_NORM_FORWARD_TRAIN = sig("norm", "batch_norm_forward_train", cat(ints(3),
            kinds(ACC, ACC), views(1), optional(4), views(3)));
    public static final KernelSignature BATCH_NORM_FORWARD_EVAL = sig("norm", "batch_norm_forward_eval", cat(ints(3),
            kinds(ACC), views(1), optional(2), views(5)));
    public static final KernelSignature BATCH_NORM_BACKWARD = sig("norm", "batch_norm_backward", cat(ints(4), views(2),
            optional(1), views(3), optional(2)));
    // conv.cu: the 16 CONV_ARGS first
    public static final KernelSignature CONV2D_FORWARD = sig("conv", "conv2d_forward", cat(ints(16), views(2), optional(1),
            views(1)));
    public static final KernelSignature CONV2D_BACKWARD_INPUT = sig("conv", "conv2d_backward_input", cat(ints(16), views(3)));
    public static final KernelSignature CONV2D_BACKWARD_WEIGHT = sig("conv", "conv2d_backward_weight", cat(ints(16), views(3)));
    // pool.cu: planes, h, w, oh, ow and the window (11 ints), avg adds count_include_pad
    public static final KernelSignature MAX_POOL2D_FORWARD = sig("pool", "max_pool2d_forward", cat(ints(11), views(3)));
    public static final KernelSignature MAX_POOL2D_BACKWARD = sig("pool", "max_pool2d_backward", cat(ints(11), views(3)));
    public static final KernelSignature MAX_POOL2D_BACKWARD_DISJOINT = sig("pool", "max_pool2d_backward_disjoint",
            cat(ints(11), views(3)));
    public static final KernelSignature AVG_POOL2D_FORWARD = sig("pool", "avg_pool2d_forward", cat(ints(12), views(2)));
    public static final KernelSignature AVG_POOL2D_BACKWARD = sig("pool", "avg_pool2d_backward", cat(ints(12), views(2)));
    // dropout.cu: n, p, keep_scale, the five key words, x, out
    public static final KernelSignature DROPOUT = sig("dropout", "dropout", cat(kinds(INT, FLOAT, T), ints(5), views(2)));
    // attention.cu: MASKING_ARGS first
    public static final KernelSignature ATTENTION_FORWARD = sig("attention", "attention_forward", cat(masking(), views(5)));
    public static final KernelSignature ATTENTION_BACKWARD_KV = sig("attention", "attention_backward_kv", cat(masking(), views(8)));
    public static final KernelSignature ATTENTION_BACKWARD_Q = sig("attention", "attention_backward_q", cat(masking(), views(7)));
    // sparse.cu
    public static final KernelSignature SPMM_CSR = sig("sparse", "spmm_csr", cat(ints(3), views(5), kinds(POINTER)));
    // optimizer.cu
    public static final KernelSignature SGD_STEP = sig("optimizer", "sgd_step", cat(kinds(INT, ACC, ACC, ACC, ACC, INT, INT),
            views(2), optional(1)));
    public static final KernelSignature ADAM_STEP = sig("optimizer", "adam_step", cat(kinds(INT, ACC, ACC, ACC, ACC, ACC, INT,
            ACC, ACC), views(4)));
    public static final KernelSignature RMSPROP_STEP = sig("optimizer", "rmsprop_step", cat(kinds(INT, ACC, ACC, ACC, ACC, ACC,
            INT), views(3), optional(1), views(1)));
    public static final KernelSignature ADAGRAD_STEP = sig("optimizer", "adagrad_step", cat(kinds(INT, ACC, ACC, ACC), views(3)));
    public static final KernelSignature ADADELTA_STEP = sig("optimizer", "adadelta_step", cat(kinds(INT, ACC, ACC, ACC, ACC),
            views(4)));

    private static final List<KernelSignature> ALL = List.of(UNARY, BINARY, WHERE, COPY, CAST, FILL, ARANGE, REDUCE, MATMUL, MATMUL_TF32,
            GATHER, INDEX_SELECT, SCATTER_ADD_CHECK, SCATTER_ADD, RANDOM_BITS, SOFTMAX_FORWARD, SOFTMAX_BACKWARD, TANH_BACKWARD,
            LAYER_NORM_FORWARD, LAYER_NORM_BACKWARD_INPUT, LAYER_NORM_BACKWARD_AFFINE, BATCH_NORM_FORWARD_TRAIN,
            BATCH_NORM_FORWARD_EVAL, BATCH_NORM_BACKWARD, CONV2D_FORWARD, CONV2D_BACKWARD_INPUT, CONV2D_BACKWARD_WEIGHT,
            MAX_POOL2D_FORWARD, MAX_POOL2D_BACKWARD, MAX_POOL2D_BACKWARD_DISJOINT, AVG_POOL2D_FORWARD, AVG_POOL2D_BACKWARD, DROPOUT, ATTENTION_FORWARD,
            ATTENTION_BACKWARD_KV, ATTENTION_BACKWARD_Q, SPMM_CSR, SGD_STEP, ADAM_STEP, RMSPROP_STEP, ADAGRAD_STEP,
            ADADELTA_STEP);

    private CudaKernels() {
    }

    public static List<KernelSignature> all() {
        return ALL;
    }

    private static KernelSignature sig(String unit, String stem, ParamKind... params) {
        return KernelSignature.of(unit, stem, params);
    }

    /** attention.cl's MASKING_ARGS: lq, lk, heads, causal, scale, has_mask, mask, mask_off, dropout_p, kept_scale, key, head_dim, value_dim. */
    private static List<ParamKind> masking() {
        return Arrays.asList(cat(ints(4), kinds(T, INT, POINTER, INT, FLOAT, T), ints(5), ints(2)));
    }

    private static List<ParamKind> ints(int n) {
        return java.util.Collections.nCopies(n, INT);
    }

    private static List<ParamKind> kinds(ParamKind... kinds) {
        return Arrays.asList(kinds);
    }

    /** n contiguous operands as (buffer, element offset). */
    private static List<ParamKind> views(int n) {
        List<ParamKind> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(POINTER);
            out.add(INT);
        }
        return out;
    }

    /** n optional operands as (present flag, buffer, element offset). */
    private static List<ParamKind> optional(int n) {
        List<ParamKind> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(INT);
            out.add(POINTER);
            out.add(INT);
        }
        return out;
    }

    @SafeVarargs
    private static ParamKind[] cat(List<ParamKind>... parts) {
        List<ParamKind> out = new ArrayList<>();
        for (List<ParamKind> p : parts) {
            out.addAll(p);
        }
        return out.toArray(ParamKind[]::new);
    }
}
