package dev.kiln.cuda;

import dev.kiln.api.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel as the host launches it: the CUDA unit that holds it, its name stem (the kernel is
 * {@code <stem>_<dtype>}) and its parameter kinds in order. Every launch is checked against its
 * signature, and the build-time checks compare every signature with the {@code .entry} of the PTX.
 */
public record KernelSignature(String unit, String stem, List<ParamKind> params) {
    public KernelSignature {
        params = List.copyOf(params);
    }

    public static KernelSignature of(String unit, String stem, ParamKind... params) {
        return new KernelSignature(unit, stem, List.of(params));
    }

    /** The kernel's symbol for {@code dtype}, e.g. {@code unary_f32}. */
    public String name(DType dtype) {
        return stem + "_" + dtype.id();
    }

    /** The parameter kinds with T and ACC made concrete for {@code dtype}. */
    public List<ParamKind> resolved(DType dtype) {
        List<ParamKind> out = new ArrayList<>(params.size());
        for (ParamKind p : params) {
            out.add(p.resolve(dtype));
        }
        return out;
    }
}
