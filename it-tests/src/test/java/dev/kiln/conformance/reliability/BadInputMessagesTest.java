package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.DTypeMismatchException;
import dev.kiln.api.errors.DeviceMismatchException;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.functional.CsrMatrix;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.api.spi.params.Pool2dParams;
import dev.kiln.conformance.SuiteBackends;
import dev.kiln.conformance.Target;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.AvgPool2d;
import dev.kiln.nn.layers.BatchNorm1d;
import dev.kiln.nn.layers.BatchNorm2d;
import dev.kiln.nn.layers.Conv1d;
import dev.kiln.nn.layers.Conv2d;
import dev.kiln.nn.layers.Embedding;
import dev.kiln.nn.layers.LayerNorm;
import dev.kiln.nn.layers.Linear;
import dev.kiln.nn.layers.MaxPool2d;
import dev.kiln.nn.layers.attention.MultiheadAttention;
import dev.kiln.nn.layers.attention.TransformerDecoderLayer;
import dev.kiln.nn.layers.attention.TransformerEncoderLayer;
import dev.kiln.nn.layers.attention.TransformerOptions;
import dev.kiln.nn.layers.graph.GraphConv;
import dev.kiln.nn.layers.recurrent.GRU;
import dev.kiln.nn.layers.recurrent.LSTM;
import dev.kiln.nn.layers.recurrent.RNN;
import dev.kiln.nn.loss.BCELoss;
import dev.kiln.nn.loss.CrossEntropyLoss;
import dev.kiln.nn.loss.MSELoss;
import dev.kiln.nn.loss.NLLLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exact message of every public layer and of each family of ops given a wrong shape, dtype or
 * device: it names the layer with its configuration (or the op), what it got and what it expected.
 * One row per bad call, run on every suite backend; in a message {@code {here}} is the device the
 * call runs on and {@code {there}} the device of the one tensor made on another backend (rows
 * with {@code {there}} need two backends).
 */
@ExtendWith(ReliabilityExtension.class)
class BadInputMessagesTest {
    private static final String MOVE = "; move one with tensor.to(device) before combining them";
    private static final String LINEAR = "Linear(4 -> 3)";
    private static final String CONV2D = "Conv2d(3 -> 16, kernel 3x3, stride 1x1, padding 0x0)";
    private static final String CONV1D = "Conv1d(2 -> 4, kernel 3, stride 1, padding 0)";
    private static final String BN1D = "BatchNorm1d(4, eps=1.0E-5, momentum=0.1)";
    private static final String BN2D = "BatchNorm2d(3, eps=1.0E-5, momentum=0.1)";
    private static final String LAYER_NORM = "LayerNorm([4], eps=1.0E-5)";
    private static final String MHA = "MultiheadAttention(8, heads 2, dropout 0.0)";
    private static final String ENCODER = "TransformerEncoderLayer(d 8, heads 2, ff 2048, RELU, post-norm)";
    private static final String DECODER = "TransformerDecoderLayer(d 8, heads 2, ff 2048, RELU, post-norm)";
    private static final String GCN = "GraphConv(4 -> 2)";

    /** A bad call, what it throws and its exact message. */
    record Case(String call, Class<? extends RuntimeException> type, String message, Call run) {
        @Override
        public String toString() {
            return call;
        }
    }

    @FunctionalInterface
    interface Call {
        void run(Fixture f);
    }

    /** Makes the call's tensors and layers; {@code other} makes tensors on a second backend. */
    record Fixture(Tensors on, Tensors other, List<AutoCloseable> made, Generator generator) {
        <M extends AutoCloseable> M own(M m) {
            made.add(m);
            return m;
        }

        /** In evaluation mode, so that dropout needs no keys. */
        <M extends Module> M evaluating(M m) {
            m.eval();
            return own(m);
        }

        Tensor f32(int... shape) {
            return on.zeros(DType.F32, shape);
        }

        Tensor zeros(DType dtype, int... shape) {
            return on.zeros(dtype, shape);
        }

        Tensor elsewhere(int... shape) {
            return other.zeros(DType.F32, shape);
        }

        Linear linear() {
            return own(new Linear(4, 3, generator));
        }

        Conv2d conv2d() {
            return own(new Conv2d(3, 16, 3, generator));
        }

        Conv1d conv1d() {
            return own(new Conv1d(2, 4, 3, generator));
        }

        MultiheadAttention attention() {
            return own(new MultiheadAttention(8, 2, generator));
        }

        TransformerEncoderLayer encoder() {
            return evaluating(new TransformerEncoderLayer(TransformerOptions.of(8, 2), generator));
        }

        TransformerDecoderLayer decoder() {
            return evaluating(new TransformerDecoderLayer(TransformerOptions.of(8, 2), generator));
        }

        GraphConv graphConv() {
            return own(new GraphConv(4, 2, generator));
        }

        /** A 3-node ring. */
        CsrMatrix ring() {
            return own(CsrMatrix.fromHost(on.backend(), 3, 3, new int[] {0, 1, 2, 3}, new int[] {1, 2, 0},
                    new double[] {1, 1, 1}, DType.F32));
        }
    }

    static Stream<Arguments> cases() {
        return SuiteBackends.all().stream().flatMap(t -> CASES.stream().map(c -> Arguments.of(t, c)));
    }

    private static final List<Case> CASES = List.of(
            // layers: wrong shape
            shape(LINEAR + " given [2,5]", LINEAR + ": linear: [2,5] x [3,4]: x's last dimension (5) must equal weight's "
                    + "in-features (dimension 1 of weight [out, in])", f -> f.linear().forward(f.f32(2, 5))),
            shape(LINEAR + " given a scalar", LINEAR + ": linear: x has shape [] (rank 0), expected rank 1 or more",
                    f -> f.linear().forward(f.on().scalar(DType.F32, 1))),
            shape(CONV2D + " given 4 channels", CONV2D + ": conv2d: [1,4,8,8] x [16,3,3,3]: with groups = 1, x's channels (4) "
                    + "must equal groups x weight dim 1 and weight dim 0 (16) must divide by groups; expected weight [Cout, 4, kH, kW]",
                    f -> f.conv2d().forward(f.f32(1, 4, 8, 8))),
            shape(CONV2D + " given rank 2", CONV2D + ": conv2d: x has shape [8,8] (rank 2), expected rank one of [3, 4]",
                    f -> f.conv2d().forward(f.f32(8, 8))),
            shape(CONV2D + " given 2x2 images", CONV2D + ": conv2d: [1,3,2,2] x [16,3,3,3]: the output would be 0 x 0: the "
                    + "(dilated) kernel is larger than the padded input under Conv2dParams[strideH=1, strideW=1, padH=0, padW=0, "
                    + "dilationH=1, dilationW=1, groups=1]", f -> f.conv2d().forward(f.f32(1, 3, 2, 2))),
            shape(CONV1D + " given 3 channels", CONV1D + ": conv1d: [1,3,8] x [4,2,3]: with groups = 1, x's channels (3) must "
                    + "equal groups x weight dim 1 and weight dim 0 (4) must divide by groups; expected weight [Cout, 3, k]",
                    f -> f.conv1d().forward(f.f32(1, 3, 8))),
            shape(CONV1D + " given rank 4", CONV1D + ": conv1d: x has shape [1,2,8,8] (rank 4), expected rank one of [2, 3]",
                    f -> f.conv1d().forward(f.f32(1, 2, 8, 8))),
            shape(CONV1D + " given length 2", CONV1D + ": conv1d: [1,2,2] x [4,2,3]: the (dilated) kernel spans 3 but the padded "
                    + "input is only 2 long under Conv1dParams[stride=1, padding=0, dilation=1, groups=1]",
                    f -> f.conv1d().forward(f.f32(1, 2, 2))),
            shape("MaxPool2d given rank 2", "MaxPool2d(kernel 2x2, stride 2x2): maxPool2d: x has shape [4,4] (rank 2), "
                    + "expected rank one of [3, 4]", f -> f.own(new MaxPool2d(2)).forward(f.f32(4, 4))),
            shape("MaxPool2d given a smaller image than its window", "MaxPool2d(kernel 3x3, stride 3x3): maxPool2d: x has shape "
                    + "[1,1,2,2], too small for the 3 x 3 window with padding 0 x 0 (padded input 2 x 2)",
                    f -> f.own(new MaxPool2d(3)).forward(f.f32(1, 1, 2, 2))),
            shape("AvgPool2d given rank 2", "AvgPool2d(kernel 2x2, stride 2x2): avgPool2d: x has shape [4,4] (rank 2), "
                    + "expected rank one of [3, 4]", f -> f.own(new AvgPool2d(2)).forward(f.f32(4, 4))),
            shape("AvgPool2d given a smaller image than its window", "AvgPool2d(kernel 5x5, stride 5x5): avgPool2d: x has shape "
                    + "[1,1,4,4], too small for the 5 x 5 window with padding 0 x 0 (padded input 4 x 4)",
                    f -> f.own(new AvgPool2d(5)).forward(f.f32(1, 1, 4, 4))),
            shape(BN1D + " given 3 features", BN1D + ": input has shape [2,3], expected rank one of [2, 3] with 4 channels at "
                    + "dimension 1", f -> f.own(new BatchNorm1d(4)).forward(f.f32(2, 3))),
            shape(BN1D + " given rank 1", BN1D + ": input has shape [4], expected rank one of [2, 3] with 4 channels at "
                    + "dimension 1", f -> f.own(new BatchNorm1d(4)).forward(f.f32(4))),
            shape(BN2D + " given rank 2", BN2D + ": input has shape [2,3], expected rank 4 with 3 channels at dimension 1",
                    f -> f.own(new BatchNorm2d(3)).forward(f.f32(2, 3))),
            shape(BN2D + " given 4 channels", BN2D + ": input has shape [2,4,5,5], expected rank 4 with 3 channels at dimension 1",
                    f -> f.own(new BatchNorm2d(3)).forward(f.f32(2, 4, 5, 5))),
            shape(LAYER_NORM + " given [2,5]", LAYER_NORM + ": layerNorm: x has shape [2,5], expected its trailing dimensions "
                    + "to be the normalized shape [4]", f -> f.own(new LayerNorm(4)).forward(f.f32(2, 5))),
            shape("RNN given 6 features", "RNN(4 -> 5, layers 1): input has shape [3,2,6], expected [T, B, 4] or unbatched [T, 4]",
                    f -> f.own(new RNN(4, 5, f.generator())).forward(f.f32(3, 2, 6))),
            shape("RNN given rank 1", "RNN(4 -> 5, layers 1): input has shape [4], expected [T, B, 4] or unbatched [T, 4]",
                    f -> f.own(new RNN(4, 5, f.generator())).forward(f.f32(4))),
            shape("LSTM given h0 for batch 3", "LSTM(4 -> 5, layers 1): [1,3,5] x [1,2,5]: an initial state must be "
                    + "[numLayers * directions, B, hiddenSize]",
                    f -> f.own(new LSTM(4, 5, f.generator())).forward(f.f32(3, 2, 4), f.f32(1, 3, 5), null)),
            shape(MHA + " given 6 features", MHA + ": query has shape [3,2,6], expected [L, B, 8]", f -> {
                Tensor q = f.f32(3, 2, 6);
                f.attention().forward(q, q, q);
            }),
            shape(MHA + " given keys of another batch", MHA + ": [3,2,8] x [3,4,8]: query and key must have the same batch size",
                    f -> f.attention().forward(f.f32(3, 2, 8), f.f32(3, 4, 8), f.f32(3, 4, 8))),
            shape(ENCODER + " given 6 features", ENCODER + ": src has shape [3,2,6], expected [L, B, 8]",
                    f -> f.encoder().forward(f.f32(3, 2, 6))),
            shape(ENCODER + " given rank 2", ENCODER + ": src has shape [3,8], expected [L, B, 8]",
                    f -> f.encoder().forward(f.f32(3, 8))),
            shape(DECODER + " given memory of 6 features", DECODER + ": memory has shape [4,2,6], expected [L, B, 8]",
                    f -> f.decoder().forward(f.f32(3, 2, 8), f.f32(4, 2, 6))),
            shape(DECODER + " given memory of another batch", DECODER + ": [3,2,8] x [4,3,8]: tgt and memory must have the "
                    + "same batch size", f -> f.decoder().forward(f.f32(3, 2, 8), f.f32(4, 3, 8))),
            shape(GCN + " given 5 features", GCN + ": [3,5] x [3,4]: node features must be [nodes, inFeatures] with nodes = the "
                    + "adjacency's size", f -> f.graphConv().forward(f.ring(), f.f32(3, 5))),
            shape(GCN + " given 5 nodes for 3", GCN + ": [5,4] x [3,4]: node features must be [nodes, inFeatures] with nodes = "
                    + "the adjacency's size", f -> f.graphConv().forward(f.ring(), f.f32(5, 4))),
            // layers: wrong dtype
            dtype(LINEAR + " given F64", LINEAR + " (input [2,4]): got dtype F64, expected F32 like the layer's parameters; "
                    + "convert the input with .to(DType.F32)", f -> f.linear().forward(f.zeros(DType.F64, 2, 4))),
            dtype(LINEAR + " given I32", LINEAR + " (input [2,4]): got dtype I32, expected F32 like the layer's parameters; "
                    + "convert the input with .to(DType.F32)", f -> f.linear().forward(f.zeros(DType.I32, 2, 4))),
            dtype(CONV2D + " given F64", CONV2D + " (input [1,3,8,8]): got dtype F64, expected F32 like the layer's parameters; "
                    + "convert the input with .to(DType.F32)", f -> f.conv2d().forward(f.zeros(DType.F64, 1, 3, 8, 8))),
            dtype(CONV1D + " given I64", CONV1D + " (input [1,2,8]): got dtype I64, expected F32 like the layer's parameters; "
                    + "convert the input with .to(DType.F32)", f -> f.conv1d().forward(f.zeros(DType.I64, 1, 2, 8))),
            dtype("MaxPool2d given I32", "MaxPool2d(kernel 2x2, stride 2x2): maxPool2d (x [1,1,4,4]): got dtype I32, expected "
                    + "F32 or F64", f -> f.own(new MaxPool2d(2)).forward(f.zeros(DType.I32, 1, 1, 4, 4))),
            dtype(BN1D + " given F64", BN1D + " (input [2,4]): got dtype F64, expected F32 like the layer's parameters; "
                    + "convert the input with .to(DType.F32)", f -> f.own(new BatchNorm1d(4)).forward(f.zeros(DType.F64, 2, 4))),
            dtype(LAYER_NORM + " given F64", LAYER_NORM + " (input [2,4]): got dtype F64, expected F32 like the layer's "
                    + "parameters; convert the input with .to(DType.F32)",
                    f -> f.own(new LayerNorm(4)).forward(f.zeros(DType.F64, 2, 4))),
            dtype("Embedding given F32 indices", "Embedding(10, 3): embedding (indices [2]): got dtype F32, expected I32 or I64 "
                    + "indices", f -> f.own(new Embedding(10, 3, f.generator())).forward(f.f32(2))),
            dtype("LSTM given F64", "LSTM(4 -> 5, layers 1) (input [3,2,4]): got dtype F64, expected F32 like the layer's "
                    + "parameters; convert the input with .to(DType.F32)",
                    f -> f.own(new LSTM(4, 5, f.generator())).forward(f.zeros(DType.F64, 3, 2, 4))),
            dtype("GRU given I32", "GRU(4 -> 5, layers 1) (input [3,2,4]): got dtype I32, expected F32 like the layer's "
                    + "parameters; convert the input with .to(DType.F32)",
                    f -> f.own(new GRU(4, 5, f.generator())).forward(f.zeros(DType.I32, 3, 2, 4))),
            dtype(MHA + " given F64", MHA + " (query [3,2,8]): got dtype F64, expected F32 like the layer's parameters; "
                    + "convert the query with .to(DType.F32)", f -> {
                        Tensor q = f.zeros(DType.F64, 3, 2, 8);
                        f.attention().forward(q, q, q);
                    }),
            dtype(ENCODER + " given F64", ENCODER + " (src [3,2,8]): got dtype F64, expected F32 like the layer's parameters; "
                    + "convert the src with .to(DType.F32)", f -> f.encoder().forward(f.zeros(DType.F64, 3, 2, 8))),
            dtype(GCN + " given F64", GCN + " (node features [3,4]): got dtype F64, expected F32 like the layer's parameters; "
                    + "convert the node features with .to(DType.F32)",
                    f -> f.graphConv().forward(f.ring(), f.zeros(DType.F64, 3, 4))),
            // layers: tensors on another device
            device(LINEAR + " given an input elsewhere", LINEAR + " (input [2,4]): tensors are on different devices "
                    + "({there} and {here})" + MOVE, f -> f.linear().forward(f.elsewhere(2, 4))),
            device(CONV2D + " given an input elsewhere", CONV2D + " (input [1,3,8,8]): tensors are on different devices "
                    + "({there} and {here})" + MOVE, f -> f.conv2d().forward(f.elsewhere(1, 3, 8, 8))),
            device(BN1D + " given an input elsewhere", BN1D + " (input [2,4]): tensors are on different devices "
                    + "({there} and {here})" + MOVE, f -> f.own(new BatchNorm1d(4)).forward(f.elsewhere(2, 4))),
            device(LAYER_NORM + " given an input elsewhere", LAYER_NORM + " (input [2,4]): tensors are on different devices "
                    + "({there} and {here})" + MOVE, f -> f.own(new LayerNorm(4)).forward(f.elsewhere(2, 4))),
            device("Embedding given indices elsewhere", "Embedding(10, 3): embedding: tensors are on different devices "
                    + "({here} and {there})" + MOVE,
                    f -> f.own(new Embedding(10, 3, f.generator())).forward(f.other().of(new int[] {3, 1}, 2))),
            device("GRU given an input elsewhere", "GRU(4 -> 5, layers 1) (input [3,2,4]): tensors are on different devices "
                    + "({there} and {here})" + MOVE, f -> f.own(new GRU(4, 5, f.generator())).forward(f.elsewhere(3, 2, 4))),
            device(MHA + " given a query elsewhere", MHA + " (query [3,2,8]): tensors are on different devices "
                    + "({there} and {here})" + MOVE, f -> {
                        Tensor q = f.elsewhere(3, 2, 8);
                        f.attention().forward(q, q, q);
                    }),
            device(DECODER + " given memory elsewhere", DECODER + " (memory [4,2,8]): tensors are on different devices "
                    + "({there} and {here})" + MOVE, f -> f.decoder().forward(f.f32(3, 2, 8), f.elsewhere(4, 2, 8))),
            device(GCN + " given node features elsewhere", GCN + " (node features [3,4]): tensors are on different devices "
                    + "({there} and {here})" + MOVE, f -> f.graphConv().forward(f.ring(), f.elsewhere(3, 4))),
            // losses
            dtype("CrossEntropyLoss given F32 targets", "crossEntropy (targets [2]): got dtype F32, expected I32 or I64 indices",
                    f -> new CrossEntropyLoss().compute(f.f32(2, 3), f.f32(2))),
            shape("CrossEntropyLoss given 3 targets for 2 rows", "crossEntropy: [2,3] x [3]: expected targets of shape [2]: one "
                    + "class index per logits row (the class axis is 1)",
                    f -> new CrossEntropyLoss().compute(f.f32(2, 3), f.on().of(new long[] {0, 1, 2}, 3))),
            device("CrossEntropyLoss given targets elsewhere", "crossEntropy: tensors are on different devices ({here} and "
                    + "{there})" + MOVE, f -> new CrossEntropyLoss().compute(f.f32(2, 3), f.other().of(new long[] {0, 1}, 2))),
            dtype("NLLLoss given I32 log-probabilities", "nllLoss (logProbs [2,3]): got dtype I32, expected F32 or F64",
                    f -> new NLLLoss().compute(f.zeros(DType.I32, 2, 3), f.on().of(new long[] {0, 1}, 2))),
            shape("MSELoss given [2,3] and [3,2]", "mseLoss: [2,3] x [3,2]: input and targets must have one shape",
                    f -> new MSELoss().compute(f.f32(2, 3), f.f32(3, 2))),
            dtype("MSELoss given F64 targets", "mseLoss (targets [2,3]): got dtype F64, expected F32, the input's dtype",
                    f -> new MSELoss().compute(f.f32(2, 3), f.zeros(DType.F64, 2, 3))),
            device("MSELoss given targets elsewhere", "mseLoss: tensors are on different devices ({here} and {there})" + MOVE,
                    f -> new MSELoss().compute(f.f32(2, 3), f.elsewhere(2, 3))),
            shape("BCELoss given [4] and [2,2]", "binaryCrossEntropy: [4] x [2,2]: probs and targets must have one shape",
                    f -> new BCELoss().compute(f.f32(4), f.f32(2, 2))),
            dtype("BCELoss given I64 targets", "binaryCrossEntropy (targets [4]): got dtype I64, expected F32, the input's dtype",
                    f -> new BCELoss().compute(f.f32(4), f.zeros(DType.I64, 4))),
            // elementwise with broadcasting
            shape("mul of [2,3] and [3,2]", "mul: [2,3] x [3,2]: shapes cannot be broadcast: dimension 0 is 2 vs 3",
                    f -> f.f32(2, 3).mul(f.f32(3, 2))),
            dtype("div of F32 by I32", "div: got dtype I32, expected F32 like the other operand; convert one with "
                    + ".to(DType.F32) or .to(DType.I32) first", f -> f.f32(2, 3).div(f.zeros(DType.I32, 2, 3))),
            device("maximum with a tensor elsewhere", "maximum: tensors are on different devices ({here} and {there})" + MOVE,
                    f -> f.f32(2, 3).maximum(f.elsewhere(2, 3))),
            dtype("where with an F32 condition", "where (condition): got dtype F32, expected BOOL",
                    f -> Tensor.where(f.f32(2, 3), f.f32(2, 3), f.f32(2, 3))),
            // matmul and linear
            shape("matmul of batches 2 and 3", "matmul: [2,2,3] x [3,3,4]: batch dimensions [2] and [3] cannot be broadcast",
                    f -> f.f32(2, 2, 3).matmul(f.f32(3, 3, 4))),
            dtype("matmul of F32 and F64", "matmul: got dtype F64, expected F32 like the other operand; convert one with "
                    + ".to(DType.F32) or .to(DType.F64) first", f -> f.f32(2, 3).matmul(f.zeros(DType.F64, 3, 2))),
            device("matmul with a tensor elsewhere", "matmul: tensors are on different devices ({here} and {there})" + MOVE,
                    f -> f.f32(2, 3).matmul(f.elsewhere(3, 2))),
            shape("linear with a [3,5] weight", "linear: [2,4] x [3,5]: x's last dimension (4) must equal weight's in-features "
                    + "(dimension 1 of weight [out, in])", f -> Functional.linear(f.f32(2, 4), f.f32(3, 5), null)),
            shape("linear with a [4] bias", "linear: bias has shape [4], expected [3]",
                    f -> Functional.linear(f.f32(2, 4), f.f32(3, 4), f.f32(4))),
            // conv and pool
            shape("conv2d with a rank-3 weight", "conv2d: weight has shape [16,3,3] (rank 3), expected rank 4",
                    f -> Functional.conv2d(f.f32(1, 3, 8, 8), f.f32(16, 3, 3), null, Conv2dParams.of(1, 0))),
            shape("maxPool2d of rank 2", "maxPool2d: x has shape [8,8] (rank 2), expected rank one of [3, 4]",
                    f -> Functional.maxPool2d(f.f32(8, 8), Pool2dParams.of(2, 2))),
            // reductions with a bad axis
            argument("sum over axis 2 of [2,3]", "sum: axis 2 is out of range for shape [2,3] (rank 2)",
                    f -> f.f32(2, 3).sum(2, false)),
            argument("sum over axis 1 twice", "sum: axis 1 appears twice in [1, 1] for shape [2,3]",
                    f -> f.f32(2, 3).sum(new int[] {1, 1}, false)),
            argument("mean over axis -3 of [2,3]", "mean: axis -3 is out of range for shape [2,3] (rank 2)",
                    f -> f.f32(2, 3).mean(-3, true)),
            argument("max over axis 2 of [2,3]", "max: axis 2 is out of range for shape [2,3] (rank 2)",
                    f -> f.f32(2, 3).max(2, false)),
            argument("argmax over axis 5 of [2,3]", "argmax: axis 5 is out of range for shape [2,3] (rank 2)",
                    f -> f.f32(2, 3).argmax(5, false)),
            argument("argmin over axis -3 of [2,3]", "argmin: axis -3 is out of range for shape [2,3] (rank 2)",
                    f -> f.f32(2, 3).argmin(-3, false)),
            argument("var over axis 2 of [2,3]", "var: axis 2 is out of range for shape [2,3] (rank 2)",
                    f -> f.f32(2, 3).var(2, false, true)),
            // reshape and views
            argument("reshape of 6 elements to [4,2]", "reshape: cannot view [2,3] (6 elements) as [4,2] (8 elements)",
                    f -> f.f32(2, 3).reshape(4, 2)),
            argument("reshape of 6 elements to [-1,4]", "reshape: cannot view [2,3] as [-1, 4]", f -> f.f32(2, 3).reshape(-1, 4)),
            argument("flatten from axis 1 to 0", "flatten: startDim 1 comes after endDim 0 in [2,3]", f -> f.f32(2, 3).flatten(1, 0)),
            argument("squeeze of axis 2 of [2,3]", "squeeze: axis 2 is out of range for shape [2,3] (rank 2)",
                    f -> f.f32(2, 3).squeeze(2)),
            argument("expand of [2,3] to [2,4]", "expand: dimension 1 of [2,3] is 3, it must be 1 or 4 to expand to [2,4]",
                    f -> f.f32(2, 3).expand(2, 4)),
            shape("copyInto of [2,3] into [3,2]", "copyInto: [2,3] x [3,2]: shapes must be equal",
                    f -> f.f32(2, 3).copyInto(f.f32(3, 2))),
            // indexing
            argument("select of index 3 on an axis of 3", "select: index 3 is out of range for axis 1 of shape [2,3] (size 3)",
                    f -> f.f32(2, 3).select(1, 3)),
            argument("select of index -3 on an axis of 2", "select: index -3 is out of range for axis 0 of shape [2,3] (size 2)",
                    f -> f.f32(2, 3).select(0, -3)),
            dtype("indexSelect with an F32 index", "indexSelect (index): got dtype F32, expected I32 or I64; convert with "
                    + ".to(DType.I64)", f -> f.f32(2, 3).indexSelect(1, f.f32(2))),
            shape("gather with an index of another rank", "gather: [2,3] x [2]: the index must have the input's rank",
                    f -> f.f32(2, 3).gather(1, f.on().of(new long[] {0, 1}, 2))),
            device("gather with an index elsewhere", "gather: tensors are on different devices ({here} and {there})" + MOVE,
                    f -> f.f32(2, 3).gather(1, f.other().of(new long[] {0, 1}, 2, 1))),
            // softmax and normalisation
            argument("softmax over axis 2 of [2,3]", "softmax: axis 2 is out of range for shape [2,3] (rank 2)",
                    f -> Functional.softmax(f.f32(2, 3), 2)),
            argument("logSoftmax over axis -3 of [2,3]", "logSoftmax: axis -3 is out of range for shape [2,3] (rank 2)",
                    f -> Functional.logSoftmax(f.f32(2, 3), -3)),
            dtype("softmax of I32", "softmax (x [2,3]): got dtype I32, expected F32 or F64",
                    f -> Functional.softmax(f.zeros(DType.I32, 2, 3), 1)),
            shape("layerNorm with a [3] weight over [4]", "layerNorm: weight has shape [3], expected [4]",
                    f -> Functional.layerNorm(f.f32(2, 4), new int[] {4}, f.f32(3), null, 1e-5)),
            // cat and stack
            shape("cat of [2,3] and [2,4] on axis 0", "cat: [2,3] x [2,4]: part 1 differs outside axis 0; only that axis may differ",
                    f -> Tensor.cat(0, f.f32(2, 3), f.f32(2, 4))),
            argument("cat on axis 2 of [2,3]", "cat: axis 2 is out of range for shape [2,3] (rank 2)",
                    f -> Tensor.cat(2, f.f32(2, 3), f.f32(2, 3))),
            dtype("cat of F32 and F64", "cat: got dtype F64, expected F32 like the other operand; convert one with .to(DType.F32) "
                    + "or .to(DType.F64) first", f -> Tensor.cat(0, f.f32(2, 3), f.zeros(DType.F64, 2, 3))),
            device("cat with a part elsewhere", "cat: tensors are on different devices ({here} and {there})" + MOVE,
                    f -> Tensor.cat(0, f.f32(2, 3), f.elsewhere(2, 3))),
            shape("stack of [2,3] and [3,2]", "stack: [2,3] x [3,2]: part 1 differs; all parts need one shape",
                    f -> Tensor.stack(0, f.f32(2, 3), f.f32(3, 2))),
            argument("stack on axis 3 of [2,3]", "stack: axis 3 is out of range for parts of shape [2,3]",
                    f -> Tensor.stack(3, f.f32(2, 3), f.f32(2, 3))));

    private static Case shape(String call, String message, Call run) {
        return new Case(call, ShapeMismatchException.class, message, run);
    }

    private static Case dtype(String call, String message, Call run) {
        return new Case(call, DTypeMismatchException.class, message, run);
    }

    private static Case device(String call, String message, Call run) {
        return new Case(call, DeviceMismatchException.class, message, run);
    }

    private static Case argument(String call, String message, Call run) {
        return new Case(call, IllegalArgumentException.class, message, run);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void theMessageNamesTheCallWhatItGotAndWhatItExpected(Target target, Case c) throws Exception {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Target other = SuiteBackends.all().stream().filter(t -> t != target && t.available()).findFirst().orElse(null);
        assumeTrue(other != null || !c.message().contains("{there}"), "needs a second backend");
        List<AutoCloseable> made = new ArrayList<>();
        try (Scope ignored = Scope.open(); Backends.Use use = Backends.use(target.backend())) {
            Fixture f = new Fixture(Tensors.on(target.backend()), other == null ? null : Tensors.on(other.backend()), made,
                    new Generator(1));
            RuntimeException e = assertThrows(c.type(), () -> c.run().run(f));
            assertEquals(c.type(), e.getClass(), () -> "thrown: " + e);
            String expected = c.message().replace("{here}", target.backend().device().toString())
                    .replace("{there}", other == null ? "" : other.backend().device().toString());
            assertEquals(expected, e.getMessage());
            ReliabilityLedger.BAD_INPUTS.incrementAndGet();
        } finally {
            for (AutoCloseable m : made) {
                m.close();
            }
        }
    }
}
