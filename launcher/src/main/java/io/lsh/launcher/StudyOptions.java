package io.lsh.launcher;

import io.lsh.config.SettingsException;
import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import io.lsh.coordinator.JournalReplay;
import io.lsh.coordinator.ReferenceAdoption;
import io.lsh.coordinator.StudyFolder;
import io.lsh.coordinator.StudyLock;
import io.lsh.coordinator.StudyOutcome;
import io.lsh.coordinator.StudyPlan;
import io.lsh.lm.data.Corpus;
import io.lsh.lm.data.CorpusReader;
import io.lsh.report.ReportException;
import io.lsh.report.StudyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options every command that runs a study shares, and the checks made before anything is created. */
final class StudyOptions {

    private static final Logger LOG = LoggerFactory.getLogger("io.lsh.study");

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON study file; its keys override "
            + "reference.conf (documented in config/src/main/resources/reference.conf; examples in config/examples).")
    Path config;

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

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the study in DIR (a study folder) after "
            + "a crash or kill, from its journal and checkpoints, with the settings in DIR/study.conf: nothing "
            + "completed is lost, and only the segments that were running train again.")
    Path resume;

    /**
     * Set by {@code lsh coordinator --join}: the folder's study is running in another coordinator, whose journal this
     * one replays only when it takes over; not checked (nor locked) up front.
     */
    boolean standby;

    /** @return true when continuing a study folder ({@code --resume}) */
    boolean resuming() {
        return resume != null;
    }

    /** Settings from reference.conf, the study file and the options (plus {@code extra} overrides). */
    StudySettings settings(CommandLine commandLine, Map<String, Object> extra) {
        if (resume != null) {
            if (config != null || seed != null || out != null || !sets.isEmpty()) {
                throw new CommandLine.ParameterException(commandLine, "--resume takes the study's settings from "
                        + resume.resolve("study.conf") + "; drop --config, --seed, --out and --set");
            }
            Path studyFile = resume.resolve("study.conf");
            if (!java.nio.file.Files.isRegularFile(studyFile)) {
                throw new UserInputException("--resume " + resume + ": not a study folder (no study.conf)");
            }
            return StudySettingsLoader.load(Optional.of(studyFile), extra);
        }
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(commandLine,
                        "Invalid value for option '--set': '" + set + "' (expected KEY=VALUE)");
            }
            overrides.put(set.substring(0, eq).trim().replaceFirst("^lsh\\.", ""), set.substring(eq + 1).trim());
        }
        if (seed != null) {
            overrides.put("study.seed", seed);
        }
        if (out != null) {
            overrides.put("study.out", out.toString());
        }
        overrides.putAll(extra); // the command's own settings come last
        return StudySettingsLoader.load(Optional.ofNullable(config), overrides);
    }

    /**
     * Checks that every spectrum window fits its validation column ({@code lsh.spectrum.window-offset}, with the
     * largest B of the study), before anything is created.
     *
     * @throws SettingsException naming the key, the value and the largest offset that fits
     */
    static void checkSpectrumWindow(StudySettings settings, int validTokens) {
        StudySettings.Spectrum s = settings.spectrum();
        int batch = Math.max(s.batch(), s.laterBatch());
        int column = validTokens / batch;
        if (s.windowOffset() + s.sequenceLength() > column) {
            throw new SettingsException("lsh.spectrum.window-offset = " + s.windowOffset() + " is too large: the "
                    + "validation split's " + validTokens + " tokens in B = " + batch + " columns give " + column
                    + " tokens per column, the spectrum needs offset + " + s.sequenceLength() + " (at most "
                    + Math.max(0, column - s.sequenceLength()) + ")");
        }
    }

    /**
     * Prints the settings if --print-config was given. Otherwise checks everything (settings, pruning names,
     * schedule, corpus) before anything is created, then creates the
     * study folder, logs to its lsh.log while {@code run} runs the study, and prints the leaderboard.
     *
     * @return the exit code
     */
    int runStudy(StudySettings settings, PrintWriter stdout, Function<StudyFolder, StudyOutcome> run)
            throws Exception {
        if (printConfig) {
            stdout.println(settings.rendered());
            stdout.flush();
            return LshMain.OK;
        }
        return run(settings, stdout, run).completed() ? LshMain.OK : LshMain.FAILED;
    }

    /**
     * Checks everything, creates (or, with --resume, reopens) the study folder, runs the study with its log in the
     * folder, prints the leaderboard and writes the report.
     *
     * @return the study's outcome
     */
    StudyOutcome run(StudySettings settings, PrintWriter stdout, Function<StudyFolder, StudyOutcome> run)
            throws Exception {
        PruningNames.check(settings);
        StudyPlan plan = StudyPlan.of(settings);
        Corpus corpus = CorpusReader.read(settings.corpus().dir(), settings.corpus().maxVocab());
        checkSpectrumWindow(settings, corpus.valid().length);
        StudyFolder folder;
        String resumeSummary = null;
        if (resume != null) {
            folder = new StudyFolder(resume.toAbsolutePath().normalize());
            if (!standby) {
                try (StudyLock probe = new StudyLock(folder, "")) {
                    if (!probe.heldHereOrFree()) {
                        throw new UserInputException(EmbeddedStudy.lockedMessage(folder, probe));
                    }
                }
                resumeSummary = JournalReplay.check(plan, folder);
            }
        } else {
            ReferenceAdoption.of(plan); // a reference to reuse is checked before anything is created
            folder = StudyFolder.create(settings.study().out(), settings.study().name(), LocalDateTime.now());
        }
        StudyOutcome outcome;
        try (AutoCloseable log = Logging.logToFile(folder.logFile())) {
            if (resumeSummary != null) {
                LOG.info("Resuming the study in {}: {}", folder.path(), resumeSummary);
            }
            LOG.info("Study folder {}", folder.path());
            LOG.info("Corpus {}: {} train / {} valid / {} test tokens, vocabulary {}", settings.corpus().dir(),
                    corpus.train().length, corpus.valid().length, corpus.test().length, corpus.vocabulary().size());
            outcome = run.apply(folder);
        }
        stdout.println();
        stdout.println(outcome.leaderboard());
        try {
            stdout.println("Report: " + StudyReport.write(folder.path()));
        } catch (ReportException e) {
            // the study's results are all written; a report can be made again with `lsh report`
            LOG.warn("No report: {}", e.getMessage());
        }
        stdout.println("Study folder: " + folder.path());
        stdout.flush();
        return outcome;
    }
}
