package dev.kiln.nn.metrics;

final class Regression {
    private Regression() {
    }

    static void requireSameCount(String metric, double[] output, double[] target) {
        if (output.length != target.length) {
            throw new IllegalArgumentException(metric + ": the output has " + output.length + " elements but the target "
                    + target.length + "; give them one shape");
        }
    }
}
