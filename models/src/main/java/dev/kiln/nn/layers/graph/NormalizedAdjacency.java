package dev.kiln.nn.layers.graph;

import dev.kiln.api.DType;
import dev.kiln.api.functional.CsrMatrix;
import dev.kiln.api.spi.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Builds GCN's propagation matrix {@code D^-1/2 (A + I) D^-1/2} on the host as CSR, once per graph
 * (Kipf and Welling, 2017). {@code A} is the undirected, unweighted adjacency of the given edges:
 * each edge counts in both directions, duplicates and given self-loops collapse, and every node
 * gets exactly one self-loop; {@code D} is the degree of {@code A + I}.
 */
public final class NormalizedAdjacency {
    private NormalizedAdjacency() {
    }

    /** {@code edges[k] = {u, v}} with {@code 0 <= u, v < nodes}. */
    public static CsrMatrix build(Backend backend, int nodes, int[][] edges, DType dtype) {
        List<TreeSet<Integer>> neighbours = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            TreeSet<Integer> self = new TreeSet<>();
            self.add(i);
            neighbours.add(self);
        }
        for (int k = 0; k < edges.length; k++) {
            int[] e = edges[k];
            if (e.length != 2 || e[0] < 0 || e[0] >= nodes || e[1] < 0 || e[1] >= nodes) {
                throw new IllegalArgumentException("GCN adjacency: edge " + k + " must be a pair of node indices in [0, " + nodes
                        + "), got " + java.util.Arrays.toString(e));
            }
            neighbours.get(e[0]).add(e[1]);
            neighbours.get(e[1]).add(e[0]);
        }
        double[] invSqrtDegree = new double[nodes];
        int nnz = 0;
        for (int i = 0; i < nodes; i++) {
            invSqrtDegree[i] = 1 / Math.sqrt(neighbours.get(i).size());
            nnz += neighbours.get(i).size();
        }
        int[] rowPtr = new int[nodes + 1];
        int[] colIdx = new int[nnz];
        double[] values = new double[nnz];
        int at = 0;
        for (int i = 0; i < nodes; i++) {
            for (int j : neighbours.get(i)) {
                colIdx[at] = j;
                values[at] = invSqrtDegree[i] * invSqrtDegree[j];
                at++;
            }
            rowPtr[i + 1] = at;
        }
        return CsrMatrix.fromHost(backend, nodes, nodes, rowPtr, colIdx, values, dtype);
    }
}
