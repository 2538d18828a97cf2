package dev.kiln.cuda;

import dev.kiln.api.DType;

/**
 * One compilation of a CUDA unit: the unit ({@code elementwise}, ...) and its full {@code -D}
 * options, dtype first. The same options go to NVRTC at run time and to nvcc at build time, so a
 * variant names one PTX module wherever it is made.
 */
public record KernelVariant(String unit, String options) {
    /** The variant of {@code unit} for element type {@code dtype} with {@code extra} options (-D words). */
    public static KernelVariant of(String unit, DType dtype, String extra) {
        // every CUDA device has double precision, so ACC is always double (-DKILN_FP64)
        StringBuilder sb = new StringBuilder("-DKILN_").append(dtype.name()).append(" -DKILN_FP64");
        if (!extra.isBlank()) {
            sb.append(' ').append(extra.trim().replaceAll("\\s+", " "));
        }
        return new KernelVariant(unit, sb.toString());
    }

    /**
     * The suffix of this variant's kernel names where one packaged module holds several variants
     * (the unit is built with -DKILN_VARIANT=tag): a hash of unit and options, the same in every build.
     */
    public String tag() {
        return "v" + PtxPackager.sha256(unit + " " + options).substring(0, 10);
    }

    /** The options as separate words, as nvcc and NVRTC take them. */
    public String[] optionWords() {
        return options.split(" ");
    }

    @Override
    public String toString() {
        return unit + ".cu [" + options + "]";
    }
}
