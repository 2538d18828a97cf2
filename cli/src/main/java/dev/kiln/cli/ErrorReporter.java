package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's error as one message a user can act on; the stack trace is for
 * developers and appears only with {@code KILN_DEBUG=1}.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        var err = cl.getErr();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err.println(cl.getColorScheme().errorText("kiln " + cl.getCommandName() + ": " + message));
        if ("1".equals(System.getenv("KILN_DEBUG"))) {
            e.printStackTrace(err);
        } else {
            err.println("(set KILN_DEBUG=1 to see the stack trace)");
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnExecutionException();
    }
}
