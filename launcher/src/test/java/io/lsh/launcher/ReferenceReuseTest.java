package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lsh.study.reference-from: a second study reuses the first one's dense reference instead of training it again. */
class ReferenceReuseTest {

    @TempDir
    Path out;

    private static Path onlyStudy(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static List<String> referenceRows(Path study) throws Exception {
        return Files.readAllLines(study.resolve("spectra.csv")).stream().filter(l -> l.startsWith("0,")).toList();
    }

    @Test
    void aSecondStudyAdoptsTheFirstOnesReference() throws Exception {
        String[] common = {"--config", RepoPaths.tinyStudy().toString(), "--set", "corpus.dir=" + RepoPaths.builtInCorpus(),
            "--set", "metrics.enabled=false"};
        LshCommandLineTest.Result first = LshCommandLineTest.run(concat(new String[] {"search", "--out",
            out.resolve("first").toString()}, common));
        assertEquals(0, first.code(), first.err() + first.out());
        Path a = onlyStudy(out.resolve("first"));

        LshCommandLineTest.Result second = LshCommandLineTest.run(concat(new String[] {"search", "--out",
            out.resolve("second").toString(), "--set", "study.reference-from=" + a, "--set", "search.candidates=5",
            "--set", "search.optimizer=tpe", "--set", "spectrum.later-batch=2"}, common));
        assertEquals(0, second.code(), second.err() + second.out());
        Path b = onlyStudy(out.resolve("second"));
        String journal = Files.readString(b.resolve("journal.jsonl"));
        assertTrue(journal.contains("\"event\":\"reference_adopted\""), journal);
        assertFalse(journal.lines().anyMatch(l -> l.contains("\"event\":\"run_assigned\"") && l.contains("\"trial\":0,")),
                "the reference is not trained again");
        assertEquals(referenceRows(a), referenceRows(b), "the same reference spectra");
        assertTrue(Files.isRegularFile(b.resolve("checkpoints/trial-0000-epoch-3.lshc")));
        assertTrue(second.out().contains("SELECTED"), second.out());

        LshCommandLineTest.Result other = LshCommandLineTest.run(concat(new String[] {"search", "--out",
            out.resolve("third").toString(), "--set", "study.reference-from=" + a, "--set", "model.dropout=0.3"},
                common));
        assertEquals(LshMain.USAGE, other.code(), other.err());
        assertEquals(1, other.err().strip().lines().count(), other.err());
        assertTrue(other.err().contains("lsh.study.reference-from") && other.err().contains("lsh.model"), other.err());
        assertFalse(Files.exists(out.resolve("third")), "nothing created");

        // B per round: a later batch the first study did not use changes the reference's spectra after epoch e0 = 1
        LshCommandLineTest.Result laterBatch = LshCommandLineTest.run(concat(new String[] {"search", "--out",
            out.resolve("fourth").toString(), "--set", "study.reference-from=" + a, "--set", "spectrum.later-batch=3"},
                common));
        assertEquals(LshMain.USAGE, laterBatch.code(), laterBatch.err());
        assertEquals(1, laterBatch.err().strip().lines().count(), laterBatch.err());
        assertTrue(laterBatch.err().contains("at epoch 2 with B = 2 sequences, this study with B = 3"),
                laterBatch.err());
        assertFalse(Files.exists(out.resolve("fourth")), "nothing created");
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
