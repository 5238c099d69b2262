package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** Quickselect equals "stable sort by key, take the first k" (the reference), ties and NaN included. */
class SelectionTest {

    private static int[] reference(int[] candidates, int count, double[] w, boolean largestFirst) {
        Integer[] boxed = Arrays.stream(candidates).boxed().toArray(Integer[]::new);
        Comparator<Integer> byMagnitude = (a, b) -> largestFirst
                ? Double.compare(-Math.abs(w[a]), -Math.abs(w[b]))
                : Double.compare(Math.abs(w[a]), Math.abs(w[b]));
        Arrays.sort(boxed, byMagnitude); // stable
        int[] out = Arrays.stream(boxed).limit(count).mapToInt(Integer::intValue).toArray();
        Arrays.sort(out);
        return out;
    }

    private static double[] values(Random random, int n) {
        double[] w = new double[n];
        int kind = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            w[i] = switch (kind) {
                case 0 -> random.nextGaussian();
                case 1 -> random.nextInt(3) - 1; // heavy ties, +-0
                case 2 -> 0.5;
                default -> random.nextInt(10) == 0 ? Double.NaN : (random.nextBoolean() ? -0.0 : random.nextGaussian());
            };
        }
        return w;
    }

    @Test
    void smallestMatchesAStableSort() {
        Random random = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            int n = random.nextInt(60);
            double[] w = values(random, n);
            int[] candidates = java.util.stream.IntStream.range(0, n).filter(i -> random.nextInt(3) > 0).toArray();
            int count = candidates.length == 0 ? 0 : random.nextInt(candidates.length + 1);
            assertArrayEquals(reference(candidates, count, w, false),
                    Selection.smallest(candidates, count, i -> Selection.magnitudeKey(w[i])), "trial " + trial);
            assertArrayEquals(reference(candidates, count, w, true),
                    Selection.smallest(candidates, count, i -> Selection.largestMagnitudeKey(w[i])), "trial " + trial);
        }
    }

    @Test
    void smallestAcrossTakesTiesInTensorThenIndexOrder() {
        Random random = new Random(8);
        for (int trial = 0; trial < 300; trial++) {
            int lists = 1 + random.nextInt(4);
            int[][] candidates = new int[lists][];
            double[][] w = new double[lists][];
            IntToLongFunction[] keys = new IntToLongFunction[lists];
            int total = 0;
            for (int l = 0; l < lists; l++) {
                int n = random.nextInt(30);
                double[] v = values(random, n);
                w[l] = v;
                candidates[l] = java.util.stream.IntStream.range(0, n).filter(i -> random.nextBoolean()).toArray();
                keys[l] = i -> Selection.magnitudeKey(v[i]);
                total += candidates[l].length;
            }
            int count = random.nextInt(total + 1);
            // reference: merge of (tensor, index) pairs sorted stably by |w|
            long[][] pairs = new long[total][];
            int o = 0;
            for (int l = 0; l < lists; l++) {
                for (int i : candidates[l]) {
                    pairs[o++] = new long[] {l, i};
                }
            }
            Arrays.sort(pairs, (a, b) -> Double.compare(Math.abs(w[(int) a[0]][(int) a[1]]),
                    Math.abs(w[(int) b[0]][(int) b[1]])));
            int[][] got = Selection.smallestAcross(candidates, count, keys);
            int taken = 0;
            for (int l = 0; l < lists; l++) {
                final int list = l;
                int[] expected = Arrays.stream(pairs).limit(count).filter(p -> p[0] == list)
                        .mapToInt(p -> (int) p[1]).sorted().toArray();
                assertArrayEquals(expected, got[l], "trial " + trial + " list " + l);
                taken += got[l].length;
            }
            assertEquals(count, taken);
        }
    }

    @Test
    void kthHandlesAllEqualAndSorted() {
        long[] same = new long[1000];
        Arrays.fill(same, 5);
        assertEquals(5, Selection.kth(same, 500));
        long[] sorted = new long[1000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i;
        }
        assertEquals(123, Selection.kth(sorted.clone(), 123));
        for (int i = 0; i < sorted.length / 2; i++) {
            long t = sorted[i];
            sorted[i] = sorted[sorted.length - 1 - i];
            sorted[sorted.length - 1 - i] = t;
        }
        assertEquals(999, Selection.kth(sorted, 999));
    }
}
