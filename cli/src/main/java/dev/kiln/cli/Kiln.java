package dev.kiln.cli;

import dev.kiln.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command: a dispatcher for the subcommands, with help on every level. */
@Command(name = "kiln",
        mixinStandardHelpOptions = true,
        versionProvider = KilnVersion.class,
        description = {"Kiln: train and evaluate neural networks on the JVM, on the CPU, OpenCL or CUDA.",
            ""},
        subcommands = {
            DevicesCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            CompareOptimizersCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Run 'kiln <command> --help' for the options of a command."})
public final class Kiln implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line whose errors are one clear message (the stack trace only with KILN_DEBUG=1). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Kiln());
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
