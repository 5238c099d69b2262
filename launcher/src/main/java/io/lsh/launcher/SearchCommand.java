package io.lsh.launcher;

import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import io.lsh.coordinator.StudyFolder;
import io.lsh.coordinator.StudyOutcome;
import io.lsh.coordinator.StudyPlan;
import io.lsh.lm.data.Corpus;
import io.lsh.lm.data.CorpusReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

    private static final Logger LOG = LoggerFactory.getLogger("io.lsh.study");

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON study file; its keys override "
            + "reference.conf (see config/src/main/resources/reference.conf and config/examples/).")
    Path config;

    @Option(names = "--workers", paramLabel = "N", description = "Worker actors in this JVM (default: "
            + "lsh.cluster.workers = 2).")
    Integer workers;

    @Option(names = "--seed", paramLabel = "SEED", description = "Study seed (default: lsh.study.seed = 42).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Parent folder of the study folder (default: "
            + "lsh.study.out = studies).")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any key under lsh, e.g. "
            + "--set pruning.sparsity=0.8 (repeatable).")
    List<String> sets = List.of();

    @Option(names = "--print-config", description = "Print the resolved settings and exit.")
    boolean printConfig;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--set': '" + set + "' (expected KEY=VALUE)");
            }
            overrides.put(set.substring(0, eq).trim().replaceFirst("^lsh\\.", ""), set.substring(eq + 1).trim());
        }
        if (workers != null) {
            overrides.put("cluster.workers", workers);
        }
        if (seed != null) {
            overrides.put("study.seed", seed);
        }
        if (out != null) {
            overrides.put("study.out", out.toString());
        }
        StudySettings settings = StudySettingsLoader.load(Optional.ofNullable(config), overrides);
        PrintWriter stdout = spec.commandLine().getOut();
        if (printConfig) {
            stdout.println(settings.rendered());
            stdout.flush();
            return LshMain.OK;
        }
        // Check everything before anything is created, so bad input leaves nothing behind.
        PruningNames.check(settings);
        StudyPlan.of(settings);
        Corpus corpus = CorpusReader.read(settings.corpus().dir(), settings.corpus().maxVocab());
        StudyFolder folder = StudyFolder.create(settings.study().out(), settings.study().name(), LocalDateTime.now());
        StudyOutcome outcome;
        try (AutoCloseable log = Logging.logToFile(folder.logFile())) {
            LOG.info("Study folder {}", folder.path());
            LOG.info("Corpus {}: {} train / {} valid / {} test tokens, vocabulary {}", settings.corpus().dir(),
                    corpus.train().length, corpus.valid().length, corpus.test().length, corpus.vocabulary().size());
            outcome = EmbeddedStudy.run(settings, folder);
        }
        stdout.println();
        stdout.println(outcome.leaderboard());
        stdout.println("Study folder: " + folder.path());
        stdout.flush();
        return outcome.completed() ? LshMain.OK : LshMain.FAILED;
    }
}
