package io.lsh.lm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchedStreamTest {

    @Test
    void batchifyDropsTheRemainderAndLaysColumnsOutTimeMajor() {
        int[] stream = IntStream.range(0, 23).toArray(); // 23 = 3 * 7 + 2
        BatchedStream s = BatchedStream.batchify(stream, 3);
        assertEquals(7, s.steps());
        assertEquals(3, s.batchSize());
        // column b holds stream[b*7 .. b*7+6]
        assertEquals(0, s.token(0, 0));
        assertEquals(7, s.token(0, 1));
        assertEquals(14, s.token(0, 2));
        assertEquals(20, s.token(6, 2));
        assertEquals(18, s.targetCount());
    }

    @Test
    void windowsHaveShiftedTargetsAndAShorterLastWindow() {
        BatchedStream s = BatchedStream.batchify(IntStream.range(0, 23).toArray(), 3);
        // steps 7 -> 6 predictable steps -> windows of 4 and 2
        assertEquals(2, s.windowCount(4));
        BpttWindow w0 = s.window(0, 4);
        assertEquals(4, w0.length());
        assertEquals(3, w0.batchSize());
        assertArrayEquals(new int[] {0, 7, 14, 1, 8, 15, 2, 9, 16, 3, 10, 17}, w0.inputs());
        assertArrayEquals(new int[] {1, 8, 15, 2, 9, 16, 3, 10, 17, 4, 11, 18}, w0.targets());
        BpttWindow w1 = s.window(1, 4);
        assertEquals(2, w1.length());
        assertArrayEquals(new int[] {4, 11, 18, 5, 12, 19}, w1.inputs());
        assertArrayEquals(new int[] {5, 12, 19, 6, 13, 20}, w1.targets());
        assertEquals(6, w1.tokenCount());
        List<BpttWindow> all = s.windows(4);
        assertEquals(2, all.size());
        assertArrayEquals(w1.targets(), all.get(1).targets());
        assertThrows(IndexOutOfBoundsException.class, () -> s.window(2, 4));
        // exact multiple: 6 predictable steps, bptt 3 -> 2 full windows
        assertEquals(2, s.windowCount(3));
        assertEquals(3, s.window(1, 3).length());
        int total = 0;
        for (BpttWindow w : s.windows(5)) {
            total += w.tokenCount();
        }
        assertEquals(s.targetCount(), total);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> BatchedStream.batchify(new int[5], 0));
        assertThrows(IllegalArgumentException.class, () -> BatchedStream.batchify(new int[5], 3));
        BatchedStream s = BatchedStream.batchify(new int[10], 2);
        assertThrows(IllegalArgumentException.class, () -> s.windowCount(0));
        assertThrows(IllegalArgumentException.class, () -> new BpttWindow(new int[3], new int[4], 2, 2));
    }
}
