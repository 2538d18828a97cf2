package dev.kiln.nn.init;

/** QR's {@code Q} by modified Gram-Schmidt on the host, with PyTorch's sign convention ({@code Q * sign(diag(R))}). */
final class GramSchmidt {
    private GramSchmidt() {
    }

    /** For {@code a [m, n]} with {@code m >= n}: {@code Q [m, n]} with orthonormal columns and a positive-diagonal {@code R}. */
    static double[][] orthonormalColumns(double[][] a) {
        int m = a.length;
        int n = a[0].length;
        double[][] q = new double[m][n];
        for (int i = 0; i < m; i++) {
            q[i] = a[i].clone();
        }
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < m; i++) {
                    dot += q[i][k] * q[i][j];
                }
                for (int i = 0; i < m; i++) {
                    q[i][j] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                throw new IllegalStateException("orthogonal init: the random matrix is rank-deficient at column " + j);
            }
            // R[j][j] = norm > 0 by construction, so Q already carries PyTorch's sign convention.
            for (int i = 0; i < m; i++) {
                q[i][j] /= norm;
            }
        }
        return q;
    }
}
