package io.lsh.launcher;

import io.lsh.config.SettingsException;
import io.lsh.config.StudySettings;
import io.lsh.lm.prune.DeathCriterion;
import io.lsh.lm.prune.DeathRateSchedule;
import io.lsh.lm.prune.StaticPruning;
import io.lsh.lm.prune.GrowthCriterion;
import io.lsh.lm.prune.Redistribution;
import io.lsh.lm.prune.SparseInit;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Checks, before a study starts, that every pruning control named in the settings (fixed values and every choice
 * of the space) is one the pruning library knows, so a typo fails in a second with the key named, not on a worker
 * minutes later.
 */
final class PruningNames {

    private static final Map<String, Consumer<String>> PARSERS = Map.of(
            "init", SparseInit::fromName,
            "death", DeathCriterion::fromName,
            "growth", GrowthCriterion::fromName,
            "redistribution", Redistribution::fromName,
            "method", PruningNames::method,
            "schedule", DeathRateSchedule.Kind::fromName);

    private PruningNames() {
    }

    static void check(StudySettings settings) {
        StudySettings.Pruning fixed = settings.pruning();
        check("lsh.pruning.init", "init", List.of(fixed.init()));
        check("lsh.pruning.death", "death", List.of(fixed.death()));
        check("lsh.pruning.growth", "growth", List.of(fixed.growth()));
        check("lsh.pruning.redistribution", "redistribution", List.of(fixed.redistribution()));
        check("lsh.pruning.method", "method", List.of(fixed.method()));
        check("lsh.pruning.schedule", "schedule", List.of(fixed.schedule()));
        for (StudySettings.SpaceParameter p : settings.space()) {
            if (PARSERS.containsKey(p.name())) {
                if (!p.categorical()) {
                    throw new SettingsException("lsh.space." + p.name() + " must be a list of names, not a range");
                }
                check("lsh.space." + p.name(), p.name(), p.choices());
            } else if (p.categorical()) {
                for (Object choice : p.choices()) {
                    if (!(choice instanceof Number n) || n.doubleValue() <= 0 || n.doubleValue() >= 1) {
                        throw new SettingsException("lsh.space." + p.name() + " has choice " + choice
                                + " outside (0, 1)");
                    }
                }
            } else if (p.min() <= 0 || p.max() >= 1) {
                throw new SettingsException("lsh.space." + p.name() + " must lie inside (0, 1), got ["
                        + p.min() + ", " + p.max() + "]");
            }
        }
    }

    /** {@code dst} or a static baseline's name. */
    private static void method(String name) {
        if (!name.equals("dst")) {
            StaticPruning.Method.fromName(name);
        }
    }

    private static void check(String key, String control, List<Object> names) {
        for (Object name : names) {
            try {
                PARSERS.get(control).accept(String.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new SettingsException(key + ": " + e.getMessage());
            }
        }
    }
}
