package dev.kiln.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of the kiln command, with what it printed. */
record KilnRun(int exitCode, String out, String err) {
    static KilnRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Kiln.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new KilnRun(code, out.toString(), err.toString());
    }

    /** Runs and fails the test with the command's output when it does not exit with 0. */
    static KilnRun ok(String... args) {
        KilnRun r = of(args);
        if (r.exitCode != 0) {
            throw new AssertionError("kiln " + String.join(" ", args) + " exited with " + r.exitCode + "\nout:\n" + r.out + "\nerr:\n" + r.err);
        }
        return r;
    }
}
