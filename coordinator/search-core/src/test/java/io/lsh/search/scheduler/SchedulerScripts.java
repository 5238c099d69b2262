package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Compact renderings of decisions and reports for scripted scheduler tests. */
final class SchedulerScripts {

    private SchedulerScripts() {
    }

    static Report search(int trial, int round, int epoch, double objective) {
        return new Report(trial, round, Phase.SEARCH, epoch, Map.of("ls_distance", objective, "val_ppl", 100 + objective));
    }

    static Report search(int trial, int round, int epoch, double objective, double valPpl) {
        return new Report(trial, round, Phase.SEARCH, epoch, Map.of("ls_distance", objective, "val_ppl", valPpl));
    }

    static Report finalReport(int trial, int round, int epoch, double valPpl) {
        return new Report(trial, round, Phase.FINAL, epoch, Map.of("ls_distance", 0.0, "val_ppl", valPpl));
    }

    /** e.g. "Wait 1 r1; Promote 2 r2 SEARCH 1->2; Stop 3; Finish 2; Select 2". */
    static String show(List<Decision> decisions) {
        return decisions.stream().map(SchedulerScripts::show).collect(Collectors.joining("; "));
    }

    static String show(Decision d) {
        if (d instanceof Decision.Wait w) {
            return "Wait " + w.trialId() + " r" + w.round();
        }
        if (d instanceof Decision.Promote p) {
            return "Promote " + p.trialId() + " r" + p.round() + " " + p.phase() + " " + p.fromEpoch() + "->"
                    + p.toEpoch();
        }
        if (d instanceof Decision.Stop s) {
            return "Stop " + s.trialId();
        }
        if (d instanceof Decision.Finish f) {
            return "Finish " + f.trialId();
        }
        return "Select " + d.trialId();
    }
}
