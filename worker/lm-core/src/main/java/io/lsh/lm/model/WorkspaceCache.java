package io.lsh.lm.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few most recently used forward/backward workspaces of a model, by window shape (steps x batch size): training
 * and evaluation alternate between two or three shapes and a workspace holds every activation of a window, so they
 * are reused instead of reallocated; beyond {@code capacity} the least recently used one is dropped.
 *
 * @param <W> the model's workspace type
 */
final class WorkspaceCache<W> {

    /** Builds the workspace of a window shape. */
    interface Factory<W> {
        W create(int steps, int batchSize);
    }

    private final Factory<W> factory;
    private final Map<Long, W> byShape;

    WorkspaceCache(int capacity, Factory<W> factory) {
        this.factory = factory;
        this.byShape = new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, W> eldest) {
                return size() > capacity;
            }
        };
    }

    /** @return the workspace for windows of {@code steps} tokens and {@code batchSize} columns */
    W get(int steps, int batchSize) {
        return byShape.computeIfAbsent(((long) steps << 32) | batchSize, k -> factory.create(steps, batchSize));
    }

    /** Drops every cached workspace. */
    void clear() {
        byShape.clear();
    }
}
