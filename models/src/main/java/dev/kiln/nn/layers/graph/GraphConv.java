package dev.kiln.nn.layers.graph;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.ShapeMismatchException;
import dev.kiln.api.functional.CsrMatrix;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.init.Init;

/**
 * A graph convolution (GCN): {@code Â (X W^T) + b} with {@code Â} the normalised adjacency from
 * {@link NormalizedAdjacency}, {@code weight [out, in]} Glorot-uniform and {@code bias [out]}
 * zeros (Kipf and Welling's initialisation). The feature transform runs before the sparse product
 * so that the product moves {@code min(in, out)}-wide rows.
 */
public class GraphConv extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public GraphConv(int inFeatures, int outFeatures, Generator generator) {
        this(inFeatures, outFeatures, true, generator);
    }

    public GraphConv(int inFeatures, int outFeatures, boolean bias, Generator generator) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("GraphConv: features must be >= 1, got in " + inFeatures + ", out " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Tensors on = Tensors.current();
        Tensor w = on.empty(DType.F32, outFeatures, inFeatures);
        Init.xavierUniform(w, 1.0, generator);
        weight = registerParameter("weight", w);
        this.bias = bias ? registerParameter("bias", on.zeros(DType.F32, outFeatures)) : null;
    }

    /** {@code x [nodes, in]} -> {@code [nodes, out]} over {@code adjacency [nodes, nodes]}. */
    public Tensor forward(CsrMatrix adjacency, Tensor x) {
        if (x.rank() != 2 || x.dim(1) != inFeatures || x.dim(0) != adjacency.cols()) {
            throw new ShapeMismatchException(toString(), x.shape(), Shape.of(adjacency.cols(), inFeatures),
                    "node features must be [nodes, inFeatures] with nodes = the adjacency's size");
        }
        requireLikeParameters("node features", x);
        Tensor propagated = describingMismatches(() -> Functional.spmm(adjacency, Functional.linear(x, weight.tensor(), null)));
        Tensor out = bias == null ? propagated : propagated.add(bias.tensor());
        recordOutputShape(out.shape());
        return out;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return "GraphConv(" + inFeatures + " -> " + outFeatures + (bias == null ? ", no bias)" : ")");
    }
}
