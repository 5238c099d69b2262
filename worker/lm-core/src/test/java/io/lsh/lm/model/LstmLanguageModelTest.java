package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.BpttWindow;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class LstmLanguageModelTest {

    private static final ModelSpec SPEC = new ModelSpec(9, 4, List.of(6, 5), 0.0, false);

    @Test
    void parametersHavePyTorchNamesShapesAndPrunableFlags() {
        LstmLanguageModel m = new LstmLanguageModel(SPEC, 1L);
        List<String> names = m.parameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_l0",
                "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_l1", "decoder.weight", "decoder.bias"), names);
        assertArrayEquals(new long[] {9, 4}, m.parameters().get(0).value().shape());
        assertArrayEquals(new long[] {4, 24}, m.parameters().get(1).value().shape());
        assertArrayEquals(new long[] {6, 24}, m.parameters().get(2).value().shape());
        assertArrayEquals(new long[] {1, 24}, m.parameters().get(3).value().shape());
        assertArrayEquals(new long[] {6, 20}, m.parameters().get(4).value().shape());
        assertArrayEquals(new long[] {5, 9}, m.parameters().get(7).value().shape());
        assertArrayEquals(new long[] {1, 9}, m.parameters().get(8).value().shape());
        for (Parameter p : m.parameters()) {
            assertEquals(!p.name().contains("bias"), p.prunable(), p.name());
            assertEquals(DataType.FLOAT, p.value().dataType());
        }
        assertEquals(9 * 4 + 4 * 24 + 6 * 24 + 24 + 6 * 20 + 5 * 20 + 20 + 5 * 9 + 9, m.parameterCount());
        // accessors are live views of the parameters
        assertSame(m.parameters().get(0).value(), m.embedding());
        assertSame(m.parameters().get(5).value(), m.layer(1).recurrentWeights());
        assertEquals(5, m.layer(1).hiddenSize());
        assertEquals(6, m.layer(1).inputSize());
        assertEquals(2, m.layerCount());
        assertThrows(IndexOutOfBoundsException.class, () -> m.layer(2));
    }

    @Test
    void initialisationIsSeededAndWithinPyTorchBounds() {
        LstmLanguageModel a = new LstmLanguageModel(SPEC, 5L);
        LstmLanguageModel b = new LstmLanguageModel(SPEC, 5L);
        LstmLanguageModel c = new LstmLanguageModel(SPEC, 6L);
        for (int k = 0; k < a.parameters().size(); k++) {
            assertEquals(a.parameters().get(k).value(), b.parameters().get(k).value());
        }
        assertNotEquals(a.embedding(), c.embedding());
        assertTrue(a.embedding().amaxNumber().doubleValue() <= 0.1);
        double lstmBound = 1 / Math.sqrt(6);
        assertTrue(a.layer(0).recurrentWeights().amaxNumber().doubleValue() <= lstmBound);
        assertTrue(a.layer(0).bias().amaxNumber().doubleValue() <= 2 * lstmBound);
        assertEquals(0.0, a.decoderBias().amaxNumber().doubleValue());
    }

    @Test
    void tiedModelHasNoDecoderWeightAndUsesTheEmbedding() {
        LstmLanguageModel m = new LstmLanguageModel(new ModelSpec(9, 5, List.of(6, 5), 0.0, true), 1L);
        assertFalse(m.parameters().stream().anyMatch(p -> p.name().equals("decoder.weight")));
        assertEquals(m.embedding().transpose(), m.decoderWeight());
    }

    @Test
    void untrainedPerplexityIsCloseToTheVocabularySizeAndEqualsExpOfMeanLoss() {
        LstmLanguageModel m = new LstmLanguageModel(new ModelSpec(50, 8, List.of(8, 8), 0.5, false), 2L);
        int[] stream = new Random(3).ints(1000, 0, 50).toArray();
        double ppl = m.perplexity(stream, 4, 7);
        assertTrue(ppl > 40 && ppl < 60, "perplexity " + ppl);
        // by hand: token-weighted mean over windows, state carried
        BatchedStream data = BatchedStream.batchify(stream, 4);
        LstmState state = m.initialState(4);
        double sum = 0;
        long n = 0;
        for (BpttWindow w : data.windows(7)) {
            sum += m.loss(w, state) * w.tokenCount();
            n += w.tokenCount();
        }
        assertEquals(Math.exp(sum / n), ppl, 1e-9 * ppl);
        assertEquals(ppl, m.perplexity(stream, 4, 7), 0.0, "evaluation is deterministic (no dropout)");
    }

    @Test
    void aModelPredictingUniformlyHasThePerplexityOfTheVocabularySize() {
        // zero decoder: every logit is 0, the softmax uniform, the loss ln V per token, the perplexity exactly V
        LstmLanguageModel m = new LstmLanguageModel(new ModelSpec(37, 8, List.of(8, 8), 0.0, false), 4L,
                DataType.DOUBLE);
        m.decoderWeight().assign(0);
        m.decoderBias().assign(0);
        int[] stream = new Random(5).ints(500, 0, 37).toArray();
        assertEquals(37.0, m.perplexity(stream, 3, 9), 1e-9);
    }

    @Test
    void stateIsCarriedAcrossWindows() {
        LstmLanguageModel m = new LstmLanguageModel(SPEC, 4L, DataType.DOUBLE);
        BatchedStream data = BatchedStream.batchify(new Random(1).ints(200, 0, 9).toArray(), 2);
        BpttWindow first = data.window(0, 5);
        BpttWindow second = data.window(1, 5);
        LstmState carried = m.initialState(2);
        m.loss(first, carried);
        assertTrue(carried.hidden(1).amaxNumber().doubleValue() > 0);
        double withState = m.loss(second, carried.copy());
        double fromZero = m.loss(second, m.initialState(2));
        assertNotEquals(fromZero, withState);
        // one long window == two short windows with the state carried
        BatchedStream whole = BatchedStream.batchify(java.util.Arrays.copyOf(new Random(1).ints(200, 0, 9).toArray(),
                22), 2);
        assertEquals(1, whole.windowCount(10));
        assertEquals(10, whole.window(0, 10).length());
        LstmState s1 = m.initialState(2);
        double l10 = m.loss(whole.window(0, 10), s1);
        LstmState s2 = m.initialState(2);
        double a = m.loss(whole.window(0, 5), s2);
        double b = m.loss(whole.window(1, 5), s2);
        assertEquals(l10, (a + b) / 2, 1e-12);
        assertEquals(s1.hidden(0), s2.hidden(0));
        assertEquals(s1.cell(1), s2.cell(1));
    }

    @Test
    void dropoutIsActiveOnlyInTrainingAndReseedable() {
        LstmLanguageModel m = new LstmLanguageModel(new ModelSpec(9, 4, List.of(6, 5), 0.5, false), 4L);
        BpttWindow w = LstmGradientCheckTest.randomWindow(9, 5, 3, 8L);
        LstmState s = m.initialState(3);
        double eval1 = m.loss(w, s.copy());
        double eval2 = m.loss(w, s.copy());
        assertEquals(eval1, eval2, 0.0);
        m.reseedDropout(1L);
        double train1 = m.forwardBackward(w, s.copy());
        double train2 = m.forwardBackward(w, s.copy());
        m.reseedDropout(1L);
        double train3 = m.forwardBackward(w, s.copy());
        assertNotEquals(train1, train2);
        assertEquals(train1, train3, 0.0);
        assertNotEquals(eval1, train1);
    }

    @Test
    void parallelKernelPathsAreDeterministic() {
        // large enough for the parallel softmax (rows x V >= 2^18)
        LstmLanguageModel m = new LstmLanguageModel(new ModelSpec(1024, 16, List.of(16), 0.2, false), 4L);
        BpttWindow w = LstmGradientCheckTest.randomWindow(1024, 16, 16, 3L);
        m.reseedDropout(5L);
        double first = m.forwardBackward(w, m.initialState(16));
        List<INDArray> gradients = m.parameters().stream().map(p -> p.gradient().dup()).toList();
        for (int repeat = 0; repeat < 3; repeat++) {
            m.reseedDropout(5L);
            assertEquals(first, m.forwardBackward(w, m.initialState(16)), 0.0);
            for (int k = 0; k < gradients.size(); k++) {
                assertArrayEquals(gradients.get(k).data().asFloat(), m.parameters().get(k).gradient().data().asFloat(),
                        m.parameters().get(k).name()); // bitwise: INDArray.equals has a tolerance
            }
        }
        m.releaseBuffers();
        m.reseedDropout(5L);
        assertEquals(first, m.forwardBackward(w, m.initialState(16)), 0.0);
    }

    @Test
    void rejectsForeignStateAndOutOfRangeTokens() {
        LstmLanguageModel m = new LstmLanguageModel(SPEC, 4L);
        BpttWindow w = LstmGradientCheckTest.randomWindow(9, 3, 2, 1L);
        assertThrows(IllegalArgumentException.class, () -> m.loss(w, m.initialState(3)));
        LstmLanguageModel other = new LstmLanguageModel(new ModelSpec(9, 4, List.of(6), 0.0, false), 1L);
        assertThrows(IllegalArgumentException.class, () -> m.loss(w, other.initialState(2)));
        BpttWindow bad = new BpttWindow(new int[] {0, 9}, new int[] {0, 1}, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> m.loss(bad, m.initialState(2)));
    }

    @Test
    void directBlasGemmMatchesNd4jOnViewsAndTransposes() {
        Gemm gemm = Gemm.create();
        assertTrue(gemm.isDirectBlas(), "the CPU backend should use direct CBLAS");
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    INDArray aBig = org.nd4j.linalg.factory.Nd4j.rand(type, 9, 6);
                    INDArray a = ta ? aBig.get(rows(1, 7)) : aBig.get(rows(2, 5)); // 6x6 / 3x6 row-block views
                    long m = ta ? 6 : 3;
                    long k = 6;
                    INDArray b = tb ? org.nd4j.linalg.factory.Nd4j.rand(type, 4, k)
                            : org.nd4j.linalg.factory.Nd4j.rand(type, k, 4);
                    INDArray cBig = org.nd4j.linalg.factory.Nd4j.rand(type, m + 4, 4);
                    INDArray c = cBig.get(rows(2, 2 + m));
                    INDArray expected = c.mul(0.5).add((ta ? a.transpose() : a).mmul(tb ? b.transpose() : b));
                    INDArray untouched = cBig.get(rows(0, 2)).dup();
                    gemm.gemm(a, b, c, ta, tb, 0.5);
                    double tol = type == DataType.FLOAT ? 1e-5 : 1e-12;
                    assertTrue(expected.sub(c).amaxNumber().doubleValue() < tol, type + " ta=" + ta + " tb=" + tb);
                    assertEquals(untouched, cBig.get(rows(0, 2)), "rows outside the view stay untouched");
                }
            }
        }
        // single-row views (batch size 1)
        INDArray big = org.nd4j.linalg.factory.Nd4j.rand(DataType.DOUBLE, 5, 6);
        INDArray row = big.get(rows(3, 4));
        INDArray w = org.nd4j.linalg.factory.Nd4j.rand(DataType.DOUBLE, 6, 8);
        INDArray outBig = org.nd4j.linalg.factory.Nd4j.rand(DataType.DOUBLE, 4, 8);
        INDArray out = outBig.get(rows(1, 2));
        INDArray expectedRow = out.add(row.mmul(w));
        gemm.gemm(row, w, out, false, false, 1.0);
        assertTrue(expectedRow.sub(out).amaxNumber().doubleValue() < 1e-12, "1-row views");

        INDArray x = org.nd4j.linalg.factory.Nd4j.rand(DataType.FLOAT, 3, 4);
        assertThrows(IllegalArgumentException.class,
                () -> gemm.gemm(x, x, org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, 3, 3), false, false, 0));
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex[] rows(long from, long to) {
        return new org.nd4j.linalg.indexing.INDArrayIndex[] {org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
            org.nd4j.linalg.indexing.NDArrayIndex.all()};
    }
}
