package dev.kiln.nn.examples;

import dev.kiln.api.Tensor;
import dev.kiln.api.functional.CsrMatrix;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Module;
import dev.kiln.nn.layers.graph.GraphConv;

/**
 * A two-layer GCN for node classification (Kipf and Welling, 2017):
 * {@code logits = Â relu(Â X W1^T + b1) W2^T + b2}. On the karate club the node features are the
 * identity (each member is only its position in the graph).
 */
public final class KarateGcn extends Module {
    private final GraphConv conv1;
    private final GraphConv conv2;

    public KarateGcn(int inFeatures, int hidden, int classes, Generator generator) {
        conv1 = registerModule("conv1", new GraphConv(inFeatures, hidden, generator));
        conv2 = registerModule("conv2", new GraphConv(hidden, classes, generator));
    }

    /** Class logits {@code [nodes, classes]}. */
    public Tensor forward(CsrMatrix adjacency, Tensor features) {
        return conv2.forward(adjacency, conv1.forward(adjacency, features).relu());
    }
}
