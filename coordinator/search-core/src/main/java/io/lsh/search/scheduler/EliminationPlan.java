package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;

import java.util.ArrayList;
import java.util.List;

/**
 * The planned rounds of an elimination schedule and its epoch budget, assuming no failures.
 *
 * <p>For the authors' setting (40 candidates, e0 = ei = 3, 2 finalists, 100 final epochs) the rounds hold
 * 40, 21, 11, 6, 4, 3 candidates (epochs 3, 6, ..., 18) and the 2 finalists train 18 to 100:
 * {@link #epochs()} = 120 + 63 + 33 + 18 + 12 + 9 + 164 = 419 epochs when every segment resumes from the
 * previous checkpoint (what the study engine does), and {@link #epochsRetrainingFromScratch()} = 120 + 126 +
 * 99 + 72 + 60 + 54 + 200 = 731 when every round retrains from scratch (what the authors' code does).
 * method.md quotes "about 617"; neither reading reproduces that figure exactly. Training every candidate
 * fully would cost {@link #fullTrainingEpochs()} = 4000.
 *
 * @param rounds the rounds in order; the last one is the FINAL phase (empty plan for 0 candidates)
 */
public record EliminationPlan(List<PlannedRound> rounds) {

    /**
     * One planned round.
     *
     * @param round     1-based
     * @param phase     SEARCH or FINAL
     * @param trials    trials training in the round
     * @param fromEpoch epoch the round resumes from
     * @param toEpoch   epoch it trains to
     */
    public record PlannedRound(int round, Phase phase, int trials, int fromEpoch, int toEpoch) {
        /** @return trials x (toEpoch - fromEpoch) */
        public long epochs() {
            return (long) trials * (toEpoch - fromEpoch);
        }
    }

    /** Copies the list. */
    public EliminationPlan {
        rounds = List.copyOf(rounds);
    }

    static EliminationPlan of(int n, int e0, int ei, int m, int finalEpochs) {
        List<PlannedRound> out = new ArrayList<>();
        if (n <= 0) {
            return new EliminationPlan(out);
        }
        int k = n;
        int round = 1;
        int from = 0;
        int to = e0;
        while (true) {
            out.add(new PlannedRound(round, Phase.SEARCH, k, from, to));
            int keep = EliminationSettings.survivors(k, m);
            if (keep <= m) {
                out.add(new PlannedRound(round + 1, Phase.FINAL, keep, to, finalEpochs));
                return new EliminationPlan(out);
            }
            k = keep;
            round++;
            from = to;
            to += ei;
        }
    }

    /** @return epochs trained when each segment resumes from its checkpoint */
    public long epochs() {
        return rounds.stream().mapToLong(PlannedRound::epochs).sum();
    }

    /** @return epochs trained when each round retrains its trials from scratch (the authors' code) */
    public long epochsRetrainingFromScratch() {
        return rounds.stream().mapToLong(r -> (long) r.trials() * r.toEpoch()).sum();
    }

    /** @return epochs to train every round-1 candidate to the final epoch, the cost LSH avoids */
    public long fullTrainingEpochs() {
        if (rounds.isEmpty()) {
            return 0;
        }
        return (long) rounds.get(0).trials() * rounds.get(rounds.size() - 1).toEpoch();
    }

    /** @return the number of candidates that train in each round, in order */
    public List<Integer> trialsPerRound() {
        return rounds.stream().map(PlannedRound::trials).toList();
    }
}
