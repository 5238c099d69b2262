package io.lsh.worker;

import io.lsh.lm.architecture.Architecture;
import io.lsh.lm.model.LstmKernelBackend;
import io.lsh.lm.model.AwdMosSpec;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.RhnSpec;
import io.lsh.protocol.ModelRecipe;
import io.lsh.protocol.StudyRecipe;

/** The {@link Architecture} a study's recipe describes (the coordinator validated it against reference.conf). */
public final class ModelRecipes {

    private ModelRecipes() {
    }

    /**
     * @param r         the study's recipe
     * @param vocabSize V of the corpus as read by the worker
     * @return the architecture to build
     * @throws IllegalArgumentException for an unknown architecture or a missing option (a mismatched coordinator)
     */
    public static Architecture architecture(StudyRecipe r, int vocabSize) {
        ModelRecipe m = r.model();
        return switch (m.type()) {
            case "lstm" -> new Architecture.Lstm(new ModelSpec(vocabSize, r.embeddingSize(), r.hiddenSizes(),
                    r.dropout(), r.tiedWeights()), LstmKernelBackend.fromSettingName(r.optimizer().kernels()));
            case "rhn" -> new Architecture.Rhn(new RhnSpec(vocabSize, r.embeddingSize(), r.hiddenSizes().get(0),
                    (int) m.option("depth"), m.option("embedding-dropout"), m.option("input-dropout"),
                    m.option("hidden-dropout"), m.option("output-dropout"), r.tiedWeights()));
            case "awd-mos" -> new Architecture.AwdMos(new AwdMosSpec(vocabSize, r.embeddingSize(), r.hiddenSizes(),
                    (int) m.option("experts"), m.option("embedding-dropout"), m.option("input-dropout"),
                    m.option("hidden-dropout"), m.option("output-dropout"), m.option("latent-dropout"),
                    m.option("weight-dropout"), m.option("activation-penalty"), m.option("temporal-penalty")));
            default -> throw new IllegalArgumentException("unknown lsh.model.type '" + m.type()
                    + "' (known: lstm, rhn, awd-mos)");
        };
    }
}
