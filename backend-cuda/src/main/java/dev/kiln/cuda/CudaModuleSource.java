package dev.kiln.cuda;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One CUDA translation unit holding several {@link KernelVariant variants} of a unit, so nvcc
 * parses its headers and ptxas starts once for all of them. Each variant is the flattened unit
 * (the same text NVRTC compiles) inside its own namespace, with its -D options as #defines and
 * KILN_VARIANT set to its {@link KernelVariant#tag() tag}, which ends its kernel names; afterwards
 * every macro it defined is undefined again, so the next variant starts from a clean slate.
 */
final class CudaModuleSource {
    private static final Pattern SYSTEM_INCLUDE = Pattern.compile("(?m)^\\s*#\\s*include\\s*<[^>]+>\\s*$");
    private static final Pattern DEFINE = Pattern.compile("(?m)^\\s*#\\s*define\\s+(\\w+)");

    private CudaModuleSource() {
    }

    static String of(List<KernelVariant> variants) {
        return of(variants, unit -> CudaSources.load(unit).text());
    }

    /** The module of {@code variants} with each unit's flattened text taken from {@code unitText}. */
    static String of(List<KernelVariant> variants, Function<String, String> unitText) {
        StringBuilder out = new StringBuilder();
        Set<String> systemIncludes = new LinkedHashSet<>();
        for (KernelVariant v : variants) {
            // toolkit headers (<mma.h>) go once at the top, outside every namespace
            Matcher inc = SYSTEM_INCLUDE.matcher(unitText.apply(v.unit()));
            while (inc.find()) {
                systemIncludes.add(inc.group().strip());
            }
            String body = inc.replaceAll("");
            Set<String> defined = new LinkedHashSet<>();
            out.append("/* ---- ").append(v).append(" ---- */\nnamespace kiln_").append(v.tag()).append(" {\n");
            for (String word : v.optionWords()) {
                String[] nameValue = word.substring(2).split("=", 2); // -DNAME or -DNAME=VALUE, as nvcc reads them
                out.append("#define ").append(nameValue[0]).append(' ').append(nameValue.length == 2 ? nameValue[1] : "1").append('\n');
                defined.add(nameValue[0]);
            }
            out.append("#define KILN_VARIANT ").append(v.tag()).append('\n');
            defined.add("KILN_VARIANT");
            out.append(body).append("\n}\n");
            Matcher m = DEFINE.matcher(body);
            while (m.find()) {
                defined.add(m.group(1));
            }
            for (String name : defined) {
                out.append("#undef ").append(name).append('\n');
            }
        }
        return (systemIncludes.isEmpty() ? "" : String.join("\n", systemIncludes) + "\n") + out;
    }
}
