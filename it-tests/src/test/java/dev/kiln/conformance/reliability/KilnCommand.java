package dev.kiln.conformance.reliability;

import dev.kiln.cli.Kiln;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the {@code kiln} command in this JVM, with what it printed. */
record KilnCommand(int exitCode, String out, String err) {
    static KilnCommand run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Kiln.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new KilnCommand(code, out.toString(), err.toString());
    }

    /** Runs and fails the test with the command's output unless it exits with 0. */
    static KilnCommand ok(String... args) {
        KilnCommand r = run(args);
        if (r.exitCode != 0) {
            throw new AssertionError("kiln " + String.join(" ", args) + " exited with " + r.exitCode + "\nout:\n" + r.out + "\nerr:\n"
                    + r.err);
        }
        return r;
    }
}
