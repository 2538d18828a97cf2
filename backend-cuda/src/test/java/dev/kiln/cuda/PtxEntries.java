package dev.kiln.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code .entry} signatures of a PTX module: kernel name to its parameters as "type" or "type[bytes]". */
final class PtxEntries {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?(\\.\\w+)\\s+\\w+(?:\\[(\\d+)])?");

    private PtxEntries() {
    }

    static Map<String, List<String>> parse(String ptx) {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        Matcher e = ENTRY.matcher(ptx);
        while (e.find()) {
            List<String> params = new ArrayList<>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) {
                params.add(p.group(2) == null ? p.group(1) : p.group(1) + "[" + p.group(2) + "]");
            }
            entries.put(e.group(1), params);
        }
        return entries;
    }

    /** What PTX parameters a declared kernel should have for {@code dtype}. */
    static List<String> expected(KernelSignature signature, dev.kiln.api.DType dtype) {
        List<String> out = new ArrayList<>();
        for (ParamKind k : signature.resolved(dtype)) {
            out.add(k == ParamKind.STRIDED ? k.ptxType() + "[" + k.bytes() + "]" : k.ptxType());
        }
        return out;
    }
}
