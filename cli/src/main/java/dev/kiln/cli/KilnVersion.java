package dev.kiln.cli;

import picocli.CommandLine.IVersionProvider;

/** The version in the jar's manifest when packaged, else "development build". */
public final class KilnVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Kiln.class.getPackage().getImplementationVersion();
        return new String[] {"kiln " + (v == null ? "(development build)" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
    }
}
