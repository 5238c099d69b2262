package io.lsh.launcher;

import io.lsh.lm.data.StandardCorpusChecksums;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lsh data}: corpus utilities. */
@Command(name = "data", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Corpus utilities.", subcommands = {DataCommand.Verify.class, DataFetchCommand.class})
final class DataCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command (try: lsh data verify DIR)");
    }

    /** {@code lsh data verify DIR}: checks the standard corpus files in DIR against their known SHA-256. */
    @Command(name = "verify", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Checks ptb.{train,valid,test}.txt or wiki.{train,valid,test}.tokens in DIR against the "
                    + "standard SHA-256 checksums; prints one line per file and exits 1 if any is missing or differs.")
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "Folder with the PTB or WikiText-2 files.")
        Path dir;

        @Override
        public Integer call() {
            List<StandardCorpusChecksums.FileCheck> checks = StandardCorpusChecksums.verify(dir);
            PrintWriter out = spec.commandLine().getOut();
            for (StandardCorpusChecksums.FileCheck check : checks) {
                out.println((check.ok() ? "ok       " : check.actual().isEmpty() ? "missing  " : "MISMATCH ")
                        + check.file() + (check.ok() || check.actual().isEmpty() ? ""
                        : " (sha256 " + check.actual() + ", expected " + check.expected() + ")"));
            }
            out.flush();
            boolean ok = checks.stream().allMatch(StandardCorpusChecksums.FileCheck::ok);
            if (!ok) {
                spec.commandLine().getErr().println("lsh data verify: " + dir + " does not hold the standard files");
                spec.commandLine().getErr().flush();
            }
            return ok ? LshMain.OK : LshMain.FAILED;
        }
    }
}
