package io.lsh.launcher;

import io.lsh.config.StudySettings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lsh search}: runs a whole study (dense reference, elimination rounds, finalists) in this JVM. */
@Command(name = "search", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Runs a complete LS-hyperpruning study in this JVM: a coordinator and N workers on a loopback Pekko "
                    + "cluster. With no options it searches the built-in space at sparsity 0.67 on the built-in "
                    + "WikiText-2 excerpt and finishes in a few minutes.",
            "Prints progress while it runs, then a leaderboard and the study folder (resolved config, trials.csv, "
                    + "trials.jsonl, spectra.csv, journal, log, checkpoints, selected model)."})
final class SearchCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StudyOptions study;

    @Option(names = "--workers", paramLabel = "N", description = "Worker actors in this JVM, one device thread "
            + "each (default: lsh.cluster.workers = 2).")
    Integer workers;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> extra = new HashMap<>();
        if (workers != null) {
            extra.put("cluster.workers", workers);
        }
        StudySettings settings = study.settings(spec.commandLine(), extra);
        io.lsh.lm.spectrum.OpenBlasSelfCheck.require(); // before the study folder exists
        return study.runStudy(settings, spec.commandLine().getOut(),
                folder -> EmbeddedStudy.run(settings, folder, study.resuming()));
    }
}
