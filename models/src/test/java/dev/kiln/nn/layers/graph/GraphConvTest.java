package dev.kiln.nn.layers.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.functional.CsrMatrix;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.testing.CpuBackend;
import org.junit.jupiter.api.Test;

/** GraphConv against a dense loop over {@code D^-1/2 (A + I) D^-1/2 X W^T + b}, forward and gradients. */
class GraphConvTest {
    private static final int NODES = 5;
    // a path 0-1-2-3 plus 1-4, with a duplicate edge and a given self-loop that must collapse
    private static final int[][] EDGES = {{0, 1}, {1, 2}, {2, 3}, {1, 4}, {2, 1}, {3, 3}};

    /** The dense normalised adjacency, built independently with a boolean matrix. */
    private static double[][] denseNormalized() {
        boolean[][] a = new boolean[NODES][NODES];
        for (int[] e : EDGES) {
            a[e[0]][e[1]] = true;
            a[e[1]][e[0]] = true;
        }
        double[] degree = new double[NODES];
        for (int i = 0; i < NODES; i++) {
            a[i][i] = true;
            for (int j = 0; j < NODES; j++) {
                degree[i] += a[i][j] ? 1 : 0;
            }
        }
        double[][] out = new double[NODES][NODES];
        for (int i = 0; i < NODES; i++) {
            for (int j = 0; j < NODES; j++) {
                out[i][j] = a[i][j] ? 1 / Math.sqrt(degree[i] * degree[j]) : 0;
            }
        }
        return out;
    }

    @Test
    void forwardAndGradientsMatchTheDenseFormula() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get()); Scope scope = Scope.open();
             GraphConv conv = new GraphConv(3, 2, new Generator(5))) {
            Tensors on = Tensors.current();
            Generator g = new Generator(6);
            Tensor x = on.randn(DType.F32, g, NODES, 3).requiresGrad(true);
            Tensor probe = on.randn(DType.F32, g, NODES, 2);
            Tensors.on(conv.bias().tensor().backend()).of(new float[] {0.25f, -0.5f}, 2).copyInto(conv.bias().tensor());
            try (CsrMatrix adj = NormalizedAdjacency.build(on.backend(), NODES, EDGES, DType.F32)) {
                Tensor out = conv.forward(adj, x);
                out.mul(probe).sum().backward();

                double[][] a = denseNormalized();
                float[] xs = x.toFloatArray();
                float[] w = conv.weight().tensor().toFloatArray();
                float[] b = conv.bias().tensor().toFloatArray();
                float[] p = probe.toFloatArray();
                float[] o = out.toFloatArray();
                float[] gx = x.grad().toFloatArray();
                float[] gw = conv.weight().grad().toFloatArray();
                float[] gb = conv.bias().grad().toFloatArray();
                // ax = Â X, ap = Â^T P (Â is symmetric, kept general here)
                double[][] ax = new double[NODES][3];
                double[][] ap = new double[NODES][2];
                for (int i = 0; i < NODES; i++) {
                    for (int j = 0; j < NODES; j++) {
                        for (int f = 0; f < 3; f++) {
                            ax[i][f] += a[i][j] * xs[j * 3 + f];
                        }
                        for (int c = 0; c < 2; c++) {
                            ap[i][c] += a[j][i] * p[j * 2 + c];
                        }
                    }
                }
                for (int i = 0; i < NODES; i++) {
                    for (int c = 0; c < 2; c++) {
                        double expected = b[c];
                        for (int f = 0; f < 3; f++) {
                            expected += ax[i][f] * w[c * 3 + f];
                        }
                        assertEquals(expected, o[i * 2 + c], 1e-5, "output[" + i + "][" + c + "]");
                    }
                    for (int f = 0; f < 3; f++) {
                        double expected = 0;
                        for (int c = 0; c < 2; c++) {
                            expected += ap[i][c] * w[c * 3 + f];
                        }
                        assertEquals(expected, gx[i * 3 + f], 1e-5, "dL/dx[" + i + "][" + f + "]");
                    }
                }
                for (int c = 0; c < 2; c++) {
                    double sumP = 0;
                    for (int i = 0; i < NODES; i++) {
                        sumP += p[i * 2 + c];
                    }
                    assertEquals(sumP, gb[c], 1e-5, "dL/db[" + c + "]");
                    for (int f = 0; f < 3; f++) {
                        double expected = 0;
                        for (int i = 0; i < NODES; i++) {
                            expected += p[i * 2 + c] * ax[i][f];
                        }
                        assertEquals(expected, gw[c * 3 + f], 1e-5, "dL/dW[" + c + "][" + f + "]");
                    }
                }
            }
        }
    }

    @Test
    void adjacencyHasOneSelfLoopPerNodeAndSymmetricEntries() {
        try (Backends.Use ignored = Backends.use(CpuBackend.get());
             CsrMatrix adj = NormalizedAdjacency.build(CpuBackend.get(), NODES, EDGES, DType.F64)) {
            // edges 0-1, 1-2, 2-3, 1-4 both ways (8) + 5 self-loops; duplicates and the given loop collapse
            assertEquals(13, adj.nnz());
            assertThrows(IllegalArgumentException.class,
                    () -> NormalizedAdjacency.build(CpuBackend.get(), NODES, new int[][] {{0, 5}}, DType.F32));
        }
    }
}
