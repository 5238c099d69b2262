package io.lsh.lm.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The optimizer state of a {@link TrainingSession} for a checkpoint: scalars as metadata strings (doubles in
 * {@link Double#toHexString} form, so they round-trip bit for bit) and tensors under names starting with
 * {@link TrainingSession#TENSOR_PREFIX}, which never collide with parameter names.
 *
 * @param metadata keys starting with {@code training.}
 * @param tensors  Adam moments (same type as the parameters), ASGD averages (FLOAT) and start steps (INT32)
 */
public record TrainingState(Map<String, String> metadata, Map<String, INDArray> tensors) {

    public TrainingState {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }
}
