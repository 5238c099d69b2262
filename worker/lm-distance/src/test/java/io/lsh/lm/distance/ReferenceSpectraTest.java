package io.lsh.lm.distance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.distance.DistanceSettings.ReferenceEpoch;
import io.lsh.lm.distance.DistanceSettings.Space;
import io.lsh.lm.distance.LsDistance.Alignment;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReferenceSpectraTest {

    private static final double[] E1 = {-0.1, -2.0, -0.5};
    private static final double[] E2 = {-0.2, -1.0, -0.6};
    private static final double[] E3 = {0.0, -1.5, -0.3};

    private static ReferenceSpectra reference(ReferenceEpoch r, Alignment a, Space s, int n, Map<Integer, double[]> m) {
        return new ReferenceSpectra(new DistanceSettings(r, a, s), n, m);
    }

    @Test
    void theDefaultIsThePapersDistanceAtTheSameEpochBitForBit() {
        Random random = new Random(3);
        ReferenceSpectra ref = new ReferenceSpectra(DistanceSettings.defaults(), 3, Map.of(1, E1, 2, E2, 3, E3));
        for (int epoch = 1; epoch <= 3; epoch++) {
            double[] c = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            double[] dense = List.of(E1, E2, E3).get(epoch - 1);
            assertEquals(LsDistance.euclidean(dense, c), ref.distance(epoch, c).getAsDouble(), 0.0);
            assertEquals(Set.of(epoch), ref.requiredEpochs(epoch));
        }
        assertTrue(ref.distance(4, E1).isEmpty(), "no reference spectrum at epoch 4 yet");
    }

    @Test
    void finalComparesEveryEpochWithTheLastEpochOfTheTrajectory() {
        double[] c = {-0.1, -1.5, -0.3};
        ReferenceSpectra partial = reference(ReferenceEpoch.FINAL, Alignment.AS_GIVEN, Space.SPECTRUM, 3,
                Map.of(1, E1, 2, E2));
        assertTrue(partial.distance(1, c).isEmpty(), "the final epoch is not in yet");
        assertEquals(Set.of(3), partial.requiredEpochs(1));
        ReferenceSpectra ref = reference(ReferenceEpoch.FINAL, Alignment.AS_GIVEN, Space.SPECTRUM, 3,
                Map.of(1, E1, 2, E2, 3, E3));
        // ||E3 - c|| = ||(0.1, 0, 0)||
        assertEquals(0.1, ref.distance(1, c).getAsDouble(), 1e-15);
        assertEquals(0.1, ref.distance(2, c).getAsDouble(), 1e-15);
        assertEquals(3, ref.referenceEpoch(1));
    }

    @Test
    void sortedIgnoresThePermutationThatAsGivenPaysFor() {
        double[] permuted = {-2.0, -0.5, -0.1};
        ReferenceSpectra asGiven = reference(ReferenceEpoch.SAME_EPOCH, Alignment.AS_GIVEN, Space.SPECTRUM, 1,
                Map.of(1, E1));
        ReferenceSpectra sorted = reference(ReferenceEpoch.SAME_EPOCH, Alignment.SORTED, Space.SPECTRUM, 1,
                Map.of(1, E1));
        // (-0.1 + 2.0, -2.0 + 0.5, -0.5 + 0.1) = (1.9, -1.5, -0.4)
        assertEquals(Math.sqrt(1.9 * 1.9 + 1.5 * 1.5 + 0.4 * 0.4), asGiven.distance(1, permuted).getAsDouble(), 1e-15);
        assertEquals(0.0, sorted.distance(1, permuted).getAsDouble());
        // sorting is applied to both sides: (-0.1, -0.5, -2.0) vs sorted(-1.9, -0.5, 0.2) = (0.2, -0.5, -1.9)
        assertEquals(Math.sqrt(0.09 + 0 + 0.01), sorted.distance(1, new double[] {-1.9, -0.5, 0.2}).getAsDouble(),
                1e-15);
    }

    @Test
    void pca2MeasuresInThePlaneOfTheTrajectoryOnceAllOfItIsIn() {
        List<double[]> t = SpectrumPcaTest.planeTrajectory(); // plane coordinates (3,0), (-3,0), (0,1), (0,-1)
        Map<Integer, double[]> all = Map.of(1, t.get(0), 2, t.get(1), 3, t.get(2), 4, t.get(3));
        double[] candidate = SpectrumPcaTest.point(2, -0.5, 7); // (2, -0.5) in the plane, 7 off it
        ReferenceSpectra sameEpoch = reference(ReferenceEpoch.SAME_EPOCH, Alignment.AS_GIVEN, Space.PCA2, 4, all);
        // epoch 1: (3, 0) vs (2, -0.5)
        assertEquals(Math.sqrt(1 + 0.25), sameEpoch.distance(1, candidate).getAsDouble(), 1e-12);
        // the full distance also pays for the 7 off the plane
        assertEquals(Math.sqrt(1 + 0.25 + 49), reference(ReferenceEpoch.SAME_EPOCH, Alignment.AS_GIVEN,
                Space.SPECTRUM, 4, all).distance(1, candidate).getAsDouble(), 1e-12);
        // final: epoch 4, (0, -1) vs (2, -0.5)
        ReferenceSpectra fin = reference(ReferenceEpoch.FINAL, Alignment.AS_GIVEN, Space.PCA2, 4, all);
        assertEquals(Math.sqrt(4 + 0.25), fin.distance(1, candidate).getAsDouble(), 1e-12);
        assertEquals(Set.of(1, 2, 3, 4), sameEpoch.requiredEpochs(1));
        assertEquals(Set.of(1, 2, 3, 4, 6), sameEpoch.requiredEpochs(6));
        // epochs 1-3 only: the plane is not known yet although epoch 1 is
        ReferenceSpectra partial = reference(ReferenceEpoch.SAME_EPOCH, Alignment.AS_GIVEN, Space.PCA2, 4,
                Map.of(1, t.get(0), 2, t.get(1), 3, t.get(2)));
        assertTrue(partial.distance(1, candidate).isEmpty());
        assertTrue(partial.pca().isEmpty());
    }

    @Test
    void pca2NeedsThreeEpochsAndANonFiniteTrajectoryGivesNaN() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reference(ReferenceEpoch.SAME_EPOCH, Alignment.AS_GIVEN, Space.PCA2, 2, Map.of()));
        assertTrue(e.getMessage().contains("pca2") && e.getMessage().contains("at least 3 epochs, got 2"),
                e.getMessage());
        ReferenceSpectra broken = reference(ReferenceEpoch.SAME_EPOCH, Alignment.AS_GIVEN, Space.PCA2, 3,
                Map.of(1, E1, 2, new double[] {Double.NEGATIVE_INFINITY, 0, 0}, 3, E3));
        OptionalDouble d = broken.distance(1, E2);
        assertTrue(d.isPresent() && Double.isNaN(d.getAsDouble()));
    }

    @Test
    void settingsAreNamedAsInReferenceConf() {
        assertEquals(new DistanceSettings(ReferenceEpoch.FINAL, Alignment.SORTED, Space.PCA2),
                DistanceSettings.of("final", "sorted", "pca2"));
        assertEquals(DistanceSettings.defaults(), DistanceSettings.of("same-epoch", "as-given", "spectrum"));
        assertTrue(DistanceSettings.defaults().isDefault());
        for (String[] bad : new String[][] {{"last", "as-given", "spectrum"}, {"final", "sort", "spectrum"},
                {"final", "sorted", "pca3"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DistanceSettings.of(bad[0], bad[1], bad[2]));
            assertTrue(e.getMessage().contains("'" + (bad[0].equals("last") ? "last" : bad[1].equals("sort") ? "sort"
                    : "pca3") + "'"), e.getMessage());
        }
    }
}
