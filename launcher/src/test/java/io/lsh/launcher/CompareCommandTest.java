package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `lsh compare` end to end on the built-in corpus: three real studies (LSH, loss-based, full training) on one space,
 * budget and seed, and the paper's table.
 */
class CompareCommandTest {

    @TempDir
    Path out;

    @Test
    void runsTheThreeArmsAndWritesThePapersTable() throws Exception {
        LshCommandLineTest.Result r = LshCommandLineTest.run("compare", "--config", RepoPaths.tinyStudy().toString(),
                "--out", out.toString(), "--set", "corpus.dir=" + RepoPaths.builtInCorpus(),
                "--set", "metrics.enabled=false");
        assertEquals(0, r.code(), r.err() + r.out());
        Path root;
        try (Stream<Path> s = Files.list(out)) {
            List<Path> folders = s.filter(Files::isDirectory).toList();
            assertEquals(1, folders.size(), "everything inside one comparison folder: " + folders);
            root = folders.get(0);
        }
        assertTrue(root.getFileName().toString().startsWith("compare-tiny-"), root.toString());
        for (String arm : List.of("lsh", "loss", "full")) {
            try (Stream<Path> s = Files.list(root)) {
                Path study = s.filter(p -> p.getFileName().toString().startsWith("tiny-" + arm + "-")).findFirst()
                        .orElseThrow(() -> new AssertionError("no " + arm + " study in " + root));
                assertTrue(Files.isRegularFile(study.resolve("leaderboard.txt")), study.toString());
                assertTrue(Files.isRegularFile(study.resolve("report/index.html")), study.toString());
            }
        }
        List<String> csv = Files.readAllLines(root.resolve("comparison.csv"));
        assertEquals(4, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("lsh,") && csv.get(2).startsWith("loss,") && csv.get(3).startsWith("full,"));
        // tiny.conf: 4 candidates, final-epochs 3; full training trains every candidate to the end, the elimination
        // arms stop some early.
        long full = Long.parseLong(csv.get(3).split(",")[3]);
        long lsh = Long.parseLong(csv.get(1).split(",")[3]);
        assertEquals(4 * 3, full, csv.get(3));
        assertTrue(lsh < full, "LSH spends fewer epochs: " + csv);
        for (String row : csv.subList(1, 4)) {
            double ppl = Double.parseDouble(row.split(",")[2]);
            assertTrue(ppl > 1 && ppl < 500, "a real final perplexity: " + row);
            String[] cells = row.split(",");
            double test = Double.parseDouble(cells[cells.length - 1]);
            assertTrue(test > 1 && test < 500, "the selected trial's test perplexity is measured: " + row);
        }
        String table = Files.readString(root.resolve("comparison.txt"));
        assertTrue(r.out().contains(table.strip().lines().findFirst().orElseThrow()), r.out());
        assertTrue(table.contains("LSH (LS distance)") && table.contains("Full training"), table);
        assertTrue(table.contains("test ppl") && !table.contains("test ppl -"), table);
        String index = Files.readString(root.resolve("index.html"));
        assertEquals(3, index.split("report/index.html").length - 1, index);
    }
}
