package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BpttWindow;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Oracle: DL4J's {@code LSTM} layers and softmax output layer, given our weights, produce the same hidden states at
 * every step and the same cross-entropy. DL4J stores the gate blocks in the order (g, f, o, i) where we use
 * (i, f, g, o), and takes NCW input [batch, features, time].
 */
class Dl4jLstmOracleTest {

    /** Our i, f, g, o column blocks reordered to DL4J's g, f, o, i. */
    private static INDArray toDl4jGateOrder(INDArray ours) {
        long h = ours.size(1) / 4;
        INDArray i = ours.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h));
        INDArray f = ours.get(NDArrayIndex.all(), NDArrayIndex.interval(h, 2 * h));
        INDArray g = ours.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * h, 3 * h));
        INDArray o = ours.get(NDArrayIndex.all(), NDArrayIndex.interval(3 * h, 4 * h));
        return Nd4j.hstack(g, f, o, i);
    }

    @Test
    void hiddenStatesAndLossMatchDl4j() {
        int v = 11;
        int e = 4;
        int h0 = 6;
        int h1 = 5;
        int steps = 6;
        int batch = 3;
        LstmLanguageModel ours = new LstmLanguageModel(new ModelSpec(v, e, List.of(h0, h1), 0.0, false), 9L,
                DataType.DOUBLE);
        for (Parameter p : ours.parameters()) {
            p.value().muli(3.0); // leave the near-linear regime so gate-order mistakes show
        }
        BpttWindow window = LstmGradientCheckTest.randomWindow(v, steps, batch, 4L);

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(1).list()
                .layer(new LSTM.Builder().nIn(e).nOut(h0).activation(Activation.TANH)
                        .gateActivationFunction(Activation.SIGMOID).build())
                .layer(new LSTM.Builder().nIn(h0).nOut(h1).activation(Activation.TANH)
                        .gateActivationFunction(Activation.SIGMOID).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(h1).nOut(v)
                        .activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int l = 0; l < 2; l++) {
            LstmLayerWeights w = ours.layer(l);
            net.getLayer(l).setParam("W", toDl4jGateOrder(w.inputWeights()));
            net.getLayer(l).setParam("RW", toDl4jGateOrder(w.recurrentWeights()));
            net.getLayer(l).setParam("b", toDl4jGateOrder(w.bias()));
        }
        net.getLayer(2).setParam("W", ours.decoderWeight().dup());
        net.getLayer(2).setParam("b", ours.decoderBias().dup());

        // DL4J input: embedded tokens, NCW
        INDArray input = Nd4j.zeros(DataType.DOUBLE, batch, e, steps);
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                INDArray row = ours.embedding().getRow(window.inputs()[t * batch + b]);
                for (int j = 0; j < e; j++) {
                    input.putScalar(new long[] {b, j, t}, row.getDouble(j));
                }
            }
        }
        List<INDArray> activations = net.feedForward(input, false);

        // ours, one step at a time so that every h_t is observable through the carried state
        LstmState state = ours.initialState(batch);
        double maxDiff = 0;
        for (int t = 0; t < steps; t++) {
            int[] in = new int[batch];
            int[] target = new int[batch];
            System.arraycopy(window.inputs(), t * batch, in, 0, batch);
            System.arraycopy(window.targets(), t * batch, target, 0, batch);
            ours.loss(new BpttWindow(in, target, 1, batch), state);
            for (int l = 0; l < 2; l++) {
                INDArray dl4j = activations.get(l + 1).get(NDArrayIndex.all(), NDArrayIndex.all(),
                        NDArrayIndex.point(t));
                maxDiff = Math.max(maxDiff, dl4j.sub(state.hidden(l)).amaxNumber().doubleValue());
            }
        }
        assertTrue(maxDiff < 1e-12, "hidden states differ from DL4J by " + maxDiff);
        assertTrue(state.hidden(1).amaxNumber().doubleValue() > 0.1, "states should not be trivially small");

        // cross-entropy from DL4J's probabilities
        INDArray probabilities = activations.get(3);
        double sum = 0;
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                sum -= Math.log(probabilities.getDouble(b, window.targets()[t * batch + b], t));
            }
        }
        double dl4jLoss = sum / (steps * batch);
        double ourLoss = ours.loss(window, ours.initialState(batch));
        assertEquals(dl4jLoss, ourLoss, 1e-12 * Math.abs(dl4jLoss));
    }
}
