package io.lsh.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.TrialMetrics;
import io.lsh.search.StudyEngine;
import io.lsh.search.WorkItem;
import io.lsh.search.scheduler.Decision;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.trial.Phase;
import io.lsh.search.trial.TrialRecord;
import io.lsh.search.trial.TrialState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Rebuilds a crashed study's coordinator state from its {@link StudyJournal}, so that {@code lsh search --resume DIR}
 * continues where it stopped: nothing completed is lost and no segment runs twice except the ones that were running
 * when the coordinator died.
 *
 * <p>How: the coordinator journals every input of its {@link StudyEngine} ({@code engine_next_work},
 * {@code engine_result}, {@code engine_failure}, {@code engine_work_lost}) before making the call. The engine is a
 * deterministic function of those calls (the pattern of the Pekko distributed-workers sample's WorkState, design.md
 * convention 3), so calling them again on a fresh engine built from the folder's settings rebuilds it exactly; the
 * replay checks this against the journaled hand-outs and decisions and refuses a journal that does not replay (other
 * settings, another version of LSH). The other events rebuild what the coordinator keeps beside the engine: the
 * per-epoch metrics and spectra, the dense reference's progress, checkpoints, and candidates still waiting for the
 * reference's spectrum.
 */
public final class JournalReplay {

    /** Journal events that are engine inputs. */
    static final String NEXT_WORK = "engine_next_work";
    static final String RESULT = "engine_result";
    static final String FAILURE = "engine_failure";
    static final String WORK_LOST = "engine_work_lost";
    static final String WALL_TIME_UP = "engine_wall_time_up";

    /**
     * The coordinator's state at the end of the journal.
     *
     * @param engine           the replayed engine; segments running at the crash are still RUNNING in it
     * @param results          per-epoch metrics, checkpoints, the reference's last metrics
     * @param referenceSpectra the dense reference's spectrum per epoch
     * @param candidateSpectra each candidate's latest spectrum
     * @param spectrumRows     every journaled spectrum in order, to rewrite spectra.csv
     * @param awaitingDistance candidates that completed before the reference reached their epoch
     * @param reference        the reference's stage, a run in progress counted as lost
     * @param referenceAttempt the last attempt number of a reference run
     * @param appliedDecisions decisions already journaled (a prefix of the engine's decision log)
     * @param started          when the study started
     * @param interrupted      candidate segments that were running when the coordinator stopped
     * @param events           events read
     * @param referenceEpoch   the epochs the reference has completed
     */
    record Recovered(StudyEngine engine, StudyResults results, TreeMap<Integer, EpochSpectrum> referenceSpectra,
                     Map<Integer, EpochSpectrum> candidateSpectra, List<Map.Entry<Integer, EpochSpectrum>> spectrumRows,
                     Map<Integer, TrialMetrics> awaitingDistance, ReferenceStage reference, int referenceAttempt,
                     int appliedDecisions, Instant started, List<Integer> interrupted, int events,
                     int referenceEpoch) {
    }

    private JournalReplay() {
    }

    /**
     * Checks, before any node starts, that {@code folder} holds a study this version of LSH can resume.
     *
     * @return a one-line summary of where the study stands
     * @throws StudyResumeException when it cannot be resumed (the message says why, naming the folder or file)
     */
    public static String check(StudyPlan plan, StudyFolder folder) {
        Recovered r = replay(plan, folder);
        var p = r.engine().progress();
        return String.format(java.util.Locale.ROOT, "%d journal events, %d trials (%d finished, %d stopped, %d failed), "
                + "%d segment(s) to run again", r.events(), p.trials(), p.finished(), p.stopped(), p.failed(),
                r.interrupted().size());
    }

    /**
     * Checks that {@code folder} holds a study that can be resumed and replays its journal.
     *
     * @throws StudyResumeException when it cannot (no journal, study ended, journal does not replay)
     */
    static Recovered replay(StudyPlan plan, StudyFolder folder) {
        Path file = folder.journalFile();
        if (!Files.isRegularFile(file)) {
            throw new StudyResumeException(folder.path() + " is not a study folder (no " + file.getFileName() + ")");
        }
        return replay(plan, folder, StudyJournal.read(file));
    }

    static Recovered replay(StudyPlan plan, StudyFolder folder, List<JsonNode> events) {
        Path file = folder.journalFile();
        StudyEngine engine = plan.newEngine();
        StudyResults results = new StudyResults(plan, folder);
        TreeMap<Integer, EpochSpectrum> referenceSpectra = new TreeMap<>();
        Map<Integer, EpochSpectrum> candidateSpectra = new HashMap<>();
        List<Map.Entry<Integer, EpochSpectrum>> rows = new ArrayList<>();
        Map<Integer, TrialMetrics> awaiting = new LinkedHashMap<>();
        List<Decision> journaledDecisions = new ArrayList<>();
        ReferenceStage reference = ReferenceStage.PENDING;
        String referenceWorker = null;
        int referenceAttempt = 0;
        int referenceEpoch = 0;
        Instant started = null;
        boolean lsObjective = EliminationSettings.LS_DISTANCE.equals(plan.settings().study().objective());
        int line = 0;
        for (JsonNode e : events) {
            line++;
            String event = e.get("event").asText();
            int trial = e.path("trial").asInt(-1);
            String where = file + " event " + line + " (" + event + ")";
            switch (event) {
                case "study_started" -> {
                    if (started == null) {
                        started = Instant.parse(e.path("time").asText(Instant.now().toString()));
                    }
                    if (e.has("seed") && e.get("seed").asLong() != plan.settings().study().seed()) {
                        throw new StudyResumeException(where + ": seed " + e.get("seed").asLong()
                                + " differs from the folder's settings (" + plan.settings().study().seed() + ")");
                    }
                }
                case "study_finished" -> throw new StudyResumeException(folder.path()
                        + ": the study already finished (see leaderboard.txt; `lsh report` redraws the report)");
                case "study_failed" -> throw new StudyResumeException(folder.path() + ": the study failed ("
                        + e.path("reason").asText() + "); start a new study");
                case NEXT_WORK -> {
                    Optional<WorkItem> item = engine.nextWork();
                    boolean same = trial < 0 ? item.isEmpty() : item.isPresent() && item.get().trialId() == trial
                            && item.get().attempt() == e.path("attempt").asInt();
                    if (!same) {
                        throw mismatch(where, trial < 0 ? "no work"
                                        : "trial " + trial + " attempt " + e.path("attempt").asInt(),
                                item.map(w -> "trial " + w.trialId() + " attempt " + w.attempt()).orElse("no work"));
                    }
                }
                case RESULT -> engine.onResult(trial, e.path("epoch").asInt(), metricMap(e.path("metrics")));
                case FAILURE -> engine.onFailure(trial, e.path("reason").asText());
                case WORK_LOST -> engine.onWorkLost(trial);
                case WALL_TIME_UP -> engine.onWallTimeExhausted();
                case "decision" -> journaledDecisions.add(null);
                case "run_assigned" -> {
                    if (trial == StudyPlan.REFERENCE_TRIAL) {
                        referenceAttempt = Math.max(referenceAttempt, e.path("attempt").asInt());
                        referenceWorker = e.path("worker").asText();
                        reference = e.path("from_epoch").asInt() == 0 ? ReferenceStage.SEARCH_PART_RUNNING
                                : ReferenceStage.REST_RUNNING;
                    }
                }
                case "epoch_reported" -> {
                    TrialMetrics m = StudyResults.metricsFromFields(e);
                    results.recordEpoch(trial, m);
                    spectrum(e).ifPresent(s -> {
                        rows.add(Map.entry(trial, s));
                        if (trial == StudyPlan.REFERENCE_TRIAL) {
                            referenceSpectra.put(s.epoch(), s);
                        } else {
                            candidateSpectra.put(trial, s);
                        }
                    });
                }
                case "run_completed" -> {
                    TrialMetrics m = StudyResults.metricsFromFields(e);
                    results.recordCheckpoint(trial, e.path("checkpoint").asText());
                    if (trial == StudyPlan.REFERENCE_TRIAL) {
                        reference = reference.afterCompleted(m.epoch(), plan.settings().search().finalEpochs());
                        if (plan.referenceSearchEpochs() >= plan.settings().search().finalEpochs()) {
                            reference = ReferenceStage.DONE;
                        }
                        referenceWorker = null;
                        referenceEpoch = Math.max(referenceEpoch, m.epoch());
                        results.recordReference(m);
                    } else if (Double.isNaN(m.lsDistance()) && lsObjective && engine.trial(trial)
                            .map(t -> t.phase() == Phase.SEARCH).orElse(false)) {
                        awaiting.put(trial, m);
                    }
                }
                case "distance_measured" -> {
                    TrialMetrics m = awaiting.remove(trial);
                    if (m != null) {
                        results.recordDistance(trial, m.withLsDistance(e.path("ls_distance").asDouble()));
                    }
                }
                case "reference_stopped" -> {
                    reference = reference.afterLoss();
                    referenceWorker = null;
                }
                case "worker_lost" -> {
                    if (e.path("worker").asText().equals(referenceWorker)) {
                        reference = reference.afterLoss();
                        referenceWorker = null;
                    }
                }
                default -> {
                    // worker_registered, run_failed, study_resumed: informational for the replay
                }
            }
        }
        if (started == null) {
            throw new StudyResumeException(file + " has no study_started event: not a study journal");
        }
        List<Decision> log = engine.decisionLog();
        if (log.size() < journaledDecisions.size()) {
            throw mismatch(file.toString(), journaledDecisions.size() + " decisions", log.size() + " decisions");
        }
        checkDecisions(file, events, log);
        List<Integer> interrupted = engine.trials().stream().filter(t -> t.state() == TrialState.RUNNING)
                .map(TrialRecord::id).toList();
        return new Recovered(engine, results, referenceSpectra, candidateSpectra, rows, awaiting,
                reference.afterLoss(), referenceAttempt, journaledDecisions.size(), started, interrupted, line,
                referenceEpoch);
    }

    /** The journaled decisions must be the replayed log's first entries, kind and trial alike. */
    private static void checkDecisions(Path file, List<JsonNode> events, List<Decision> log) {
        int i = 0;
        for (JsonNode e : events) {
            if (!"decision".equals(e.get("event").asText())) {
                continue;
            }
            Decision d = log.get(i);
            Map<String, Object> expected = StudyResults.decisionFields(d);
            if (!expected.get("decision").equals(e.path("decision").asText())
                    || d.trialId() != e.path("trial").asInt()) {
                throw mismatch(file + " decision " + (i + 1), e.path("decision").asText() + " of trial "
                        + e.path("trial").asInt(), expected.get("decision") + " of trial " + d.trialId());
            }
            i++;
        }
    }

    private static StudyResumeException mismatch(String where, String journaled, String replayed) {
        return new StudyResumeException(where + ": the journal says " + journaled + " but replaying it gives "
                + replayed + " (were the folder's study.conf or LSH's version changed?)");
    }

    /** Engine metrics as journaled: numbers, or the string "NaN" for a missing value. */
    static Map<String, Object> metricFields(Map<String, Double> metrics) {
        Map<String, Object> f = new TreeMap<>();
        metrics.forEach((k, v) -> f.put(k, Double.isFinite(v) ? (Object) v : String.valueOf(v)));
        return f;
    }

    private static Map<String, Double> metricMap(JsonNode node) {
        Map<String, Double> m = new LinkedHashMap<>();
        node.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().isNumber() ? f.getValue().doubleValue()
                : Double.parseDouble(f.getValue().asText())));
        return m;
    }

    /** The spectrum a journal event carries, if any. */
    static Optional<EpochSpectrum> spectrum(JsonNode e) {
        JsonNode s = e.get("spectrum");
        if (s == null || !s.isArray()) {
            return Optional.empty();
        }
        List<Double> exponents = new ArrayList<>();
        s.forEach(v -> exponents.add(v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText())));
        return Optional.of(new EpochSpectrum(e.path("spectrum_epoch").asInt(e.path("epoch").asInt()), exponents));
    }
}
