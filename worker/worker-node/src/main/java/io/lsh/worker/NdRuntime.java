package io.lsh.worker;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that touches ND4J's process-wide state (design.md convention 5): how many threads BLAS and
 * libnd4j may use. With several CPU workers in one JVM, each gets cores / workers threads, so that concurrent
 * trials do not oversubscribe the cores (their gemm calls would otherwise fight over the same cores).
 */
public final class NdRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(NdRuntime.class);

    private NdRuntime() {
    }

    /**
     * Sets the thread counts for {@code cpuWorkers} concurrent CPU workers in this JVM.
     *
     * @return the threads each worker's BLAS calls may use
     * @throws io.lsh.lm.spectrum.OpenBlasSelfCheck.FailedException when OpenBLAS gets the spectrum's QR wrong here
     */
    public static int configureForCpuWorkers(int cpuWorkers) {
        // the spectrum's LAPACK calls run on the host's OpenBLAS whatever the backend: refuse a kernel that gets
        // them wrong before any trial is scored with it
        io.lsh.lm.spectrum.OpenBlasSelfCheck.require();
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, cores / Math.max(1, cpuWorkers));
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        LOG.debug("ND4J backend {}: {} cores, {} CPU workers, {} BLAS/OpenMP threads each",
                Nd4j.getBackend().getClass().getSimpleName(), cores, cpuWorkers, threads);
        return threads;
    }

    /**
     * Native memory the tensor library holds in this JVM (JavaCPP's count of allocated off-heap bytes: ND4J's
     * buffers and workspaces on the CPU backend), for the worker metrics. Reading it never touches the device.
     *
     * @return bytes
     */
    public static long offHeapBytes() {
        return org.bytedeco.javacpp.Pointer.totalBytes();
    }

    /**
     * Memory ND4J's memory manager reports for a worker's device: device memory of {@code cuda:N} on the CUDA
     * backend; on the CPU backend ({@code cpu}) the host buffers and workspaces it tracks.
     *
     * @param device {@code cpu} or {@code cuda:N}
     * @return bytes
     */
    public static long deviceBytes(String device) {
        int index = device.startsWith("cuda:") ? Integer.parseInt(device.substring("cuda:".length())) : 0;
        return org.nd4j.linalg.factory.Nd4j.getMemoryManager().allocatedMemory(index);
    }
}
