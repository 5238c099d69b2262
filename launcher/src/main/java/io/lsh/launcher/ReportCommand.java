package io.lsh.launcher;

import io.lsh.report.ReportException;
import io.lsh.report.StudyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lsh report STUDY_DIR}: (re)writes a study's HTML report with its charts. */
@Command(name = "report", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Writes STUDY_DIR/report/index.html: spectra of the dense reference and the best candidates, "
                + "LS distance and early perplexity against final perplexity with Spearman and Kendall "
                + "coefficients, the timeline of trials on workers, sparsity and the leaderboard. lsh search writes "
                + "it at the end of every study.")
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "STUDY_DIR", description = "A study folder written by lsh search or lsh coordinator.")
    Path study;

    @Override
    public Integer call() {
        if (!Files.isDirectory(study)) {
            throw new UserInputException("study folder " + study + " does not exist");
        }
        try {
            spec.commandLine().getOut().println("Report: " + StudyReport.write(study));
        } catch (ReportException e) {
            throw new UserInputException(e.getMessage());
        }
        return LshMain.OK;
    }
}
