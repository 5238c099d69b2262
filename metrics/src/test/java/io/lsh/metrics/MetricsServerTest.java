package io.lsh.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.protocol.TrialMetrics;
import io.lsh.search.StudyEngine;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.space.Parameter;
import io.lsh.search.space.SearchSpace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both metric sets in one registry, served on a free loopback port, with live-trial series coming and going. */
class MetricsServerTest {

    @Test
    void servesCoordinatorWorkerAndJvmMetrics() throws Exception {
        var registry = MetricsServer.newRegistry();
        var coordinator = new CoordinatorMetrics(registry);
        var workers = new WorkerMetrics(registry, () -> 1234L);
        var space = new SearchSpace(List.of(new Parameter.Categorical("death", List.<Object>of("magnitude", "SET"), null)));
        StudyEngine engine = StudyEngine.withRandomSearch(space,
                new EliminationSettings(3, 1, 1, 1, 3, "ls_distance", "val_ppl"), 1);
        coordinator.studyStarted("t", "ls_distance", 10);
        workers.workerStarted("w/cpu-0", "cpu");
        int trial = engine.nextWork().orElseThrow().trialId();
        workers.trialStarted("w/cpu-0", "cpu", trial);
        TrialMetrics m = new TrialMetrics(1, 5.0, 150.0, 0.25, 0.67, 1000, 2.0, 0.5, 4000.0, java.util.Map.of());
        workers.epochCompleted("w/cpu-0", "cpu", m);
        coordinator.epochReported(trial, m);
        coordinator.update(engine, 1, true);
        try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0)) {
            String text = scrape(server);
            for (String expected : new String[] {"lsh_study_trials{state=\"running\"} 1.0",
                    "lsh_study_best_ls_distance 0.25", "lsh_study_epochs_trained_total 1.0",
                    "lsh_study_progress_ratio 0.1", "lsh_trial_valid_perplexity{trial=\"" + trial + "\"} 150.0",
                    "lsh_study_decisions_total{kind=\"stop\",reason=\"eliminated\"} 0.0",
                    "lsh_worker_training_tokens_per_second{device=\"cpu\",worker=\"w/cpu-0\"} 4000.0",
                    "lsh_worker_current_trial{device=\"cpu\",worker=\"w/cpu-0\"} " + trial + ".0",
                    "lsh_worker_offheap_memory_bytes 1234.0", "jvm_memory_used_bytes"}) {
                assertTrue(text.contains(expected), expected + " in\n" + text);
            }
            engine.onFailure(trial, "test");
            coordinator.update(engine, 1, true);
            workers.trialEnded("w/cpu-0", "cpu", WorkerMetrics.RunEnd.FAILED);
            text = scrape(server);
            assertFalse(text.contains("lsh_trial_valid_perplexity{trial=\"" + trial + "\"}"), text);
            assertTrue(text.contains("lsh_study_trials{state=\"failed\"} 1.0"), text);
            assertTrue(text.contains("lsh_worker_trials_failed_total{device=\"cpu\",worker=\"w/cpu-0\"} 1.0"), text);
        }
    }

    private static String scrape(MetricsServer server) throws Exception {
        assertTrue(server.port() > 0);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
