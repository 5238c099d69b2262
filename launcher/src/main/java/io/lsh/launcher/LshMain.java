package io.lsh.launcher;

import ch.qos.logback.classic.Level;
import io.lsh.config.SettingsException;
import io.lsh.coordinator.StudyResumeException;
import io.lsh.lm.checkpoint.CheckpointException;
import io.lsh.lm.data.CorpusException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code lsh} command line. */
@Command(name = "lsh", mixinStandardHelpOptions = true, versionProvider = LshMain.Version.class,
        description = "Lyapunov-spectrum hyperpruning: find the best pruned variant of an RNN language model fast.",
        subcommands = {SearchCommand.class, CompareCommand.class, CoordinatorCli.class, WorkerCli.class, ReportCommand.class, DataCommand.class,
            SpectrumCommand.class, ExportCommand.class,
            CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true)
public final class LshMain implements Runnable {

    /** Exit code for a completed command. */
    public static final int OK = 0;
    /** Exit code for a failure that is not the user's mistake (a study that could not finish, a bug). */
    public static final int FAILED = 1;
    /** Exit code for bad input: unknown command or flag, unreadable config, bad value, missing corpus. */
    public static final int USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(LshMain.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--log-level", scope = CommandLine.ScopeType.INHERIT, paramLabel = "LEVEL",
            description = "Console log level: ERROR, WARN, INFO (default) or DEBUG. The study's lsh.log always "
                    + "holds the full log.")
    void setLogLevel(String level) {
        Level parsed = Level.toLevel(level, null);
        if (parsed == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--log-level': '" + level + "' (use ERROR, WARN, INFO or DEBUG)");
        }
        Logging.setConsoleLevel(parsed);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command (try: lsh search)");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (never calls System.exit). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams and returns the exit code (used by tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new LshMain());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(LshMain::onBadParameters);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> onFailure(e, commandLine));
        return cli.execute(args);
    }

    private static int onBadParameters(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        err.println(command + ": " + oneLine(e.getMessage()) + " (see '" + command + " --help')");
        err.flush();
        return USAGE;
    }

    private static int onFailure(Exception e, CommandLine commandLine) {
        PrintWriter err = commandLine.getErr();
        String command = commandLine.getCommandSpec().qualifiedName();
        if (e instanceof UserInputException || e instanceof SettingsException || e instanceof CorpusException
                || e instanceof CheckpointException || e instanceof StudyResumeException
                || e instanceof io.lsh.lm.spectrum.OpenBlasSelfCheck.FailedException) {
            err.println(command + ": " + oneLine(e.getMessage()));
            err.flush();
            return USAGE;
        }
        LOG.error("{} failed", command, e);
        err.println(command + ": failed: " + oneLine(String.valueOf(e.getMessage())) + " (details in the log)");
        err.flush();
        return FAILED;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s+", " ").trim();
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LshMain.class.getPackage().getImplementationVersion();
            return new String[] {"lsh " + (v == null ? "(development build)" : v)};
        }
    }
}
