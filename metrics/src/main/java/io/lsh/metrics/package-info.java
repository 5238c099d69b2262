/**
 * Prometheus metrics of an LSH study: {@link io.lsh.metrics.CoordinatorMetrics} (trials, decisions, budget,
 * best-so-far values, live trials), {@link io.lsh.metrics.WorkerMetrics} (throughput, epoch and spectrum time,
 * current trial, completed and failed runs) and {@link io.lsh.metrics.MetricsServer}, the {@code /metrics} HTTP
 * endpoint of one JVM.
 *
 * <p>Every metric is registered in a {@link io.prometheus.metrics.model.registry.PrometheusRegistry} passed in by
 * the caller (never the client's static default registry), so several studies or nodes can live in one JVM and
 * tests stay independent. Names follow Prometheus conventions: an {@code lsh_} prefix, the unit in the name
 * ({@code _seconds}, {@code _bytes}, {@code _ratio}) and {@code _total} on counters. Labels are bounded: a trial id
 * label exists only while the trial is live. The dashboards in {@code dashboards/} query these names.
 */
package io.lsh.metrics;
