package io.lsh.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyReportTest {

    @TempDir
    Path tmp;

    @Test
    void rendersEveryChartAndTheCoefficientsOfASyntheticStudy() throws IOException {
        Path study = tmp.resolve("synthetic-study");
        SyntheticStudy synthetic = new SyntheticStudy();
        synthetic.writeTo(study);

        Path index = StudyReport.write(study);

        assertEquals(study.resolve("report").resolve("index.html"), index);
        String html = Files.readString(index, StandardCharsets.UTF_8);
        Set<String> expected = Set.of("spectra-epoch-1.png", "spectra-epoch-2.png", "spectra-epoch-3.png",
                "distance-vs-final-ppl.png", "early-ppl-vs-final-ppl.png", "timeline.png");
        assertEquals(expected, pngs(index.getParent()));
        assertEquals(expected, referencedImages(html));
        for (String png : expected) {
            BufferedImage image = ImageIO.read(index.getParent().resolve(png).toFile());
            assertNotNull(image, png + " decodes");
            boolean timeline = png.equals("timeline.png");
            assertEquals(timeline ? Charts.TIMELINE_WIDTH : Charts.WIDTH, image.getWidth(), png);
            assertEquals(timeline ? Charts.timelineHeight(2) : Charts.HEIGHT, image.getHeight(), png);
        }

        // by hand: distance ranks 1 3 2 5 4 and final ranks 1 4 2 5 3: sum d^2 = 2, rho = 1 - 12/120; 9 concordant,
        // 1 discordant pair of 10. Early ppl ranks 4 2 3 5 1: sum d^2 = 18, rho = 0.1; 5 concordant, 5 discordant.
        assertCoefficient(html, "spearman-distance", 0.9, RankCorrelation.spearman(
                synthetic.pairs(true)[0], synthetic.pairs(true)[1]).getAsDouble());
        assertCoefficient(html, "kendall-distance", 0.8, RankCorrelation.kendallTauB(
                synthetic.pairs(true)[0], synthetic.pairs(true)[1]).getAsDouble());
        assertCoefficient(html, "spearman-ppl", 0.1, RankCorrelation.spearman(
                synthetic.pairs(false)[0], synthetic.pairs(false)[1]).getAsDouble());
        assertCoefficient(html, "kendall-ppl", 0.0, RankCorrelation.kendallTauB(
                synthetic.pairs(false)[0], synthetic.pairs(false)[1]).getAsDouble());
        // the failed trial has no first rung: 5 pairs, not 6
        assertEquals("5", cell(html, "n-distance"));
        assertEquals("5", cell(html, "n-ppl"));

        assertEquals("0.6700", cell(html, "selected-sparsity"));
        assertTrue(html.contains("Per-layer sparsity is not recorded"), "says per-layer data is missing");
        assertTrue(html.contains("valid ppl 38.50 after epoch 3"), "dense reference's last perplexity");
        assertTrue(html.contains("Leaderboard: synthetic"), "leaderboard.txt is shown");
        assertTrue(html.contains("<tr class=\"selected\"><td>1</td><td>1</td>"), "selected trial ranks first");
        assertTrue(html.contains("diverged: NaN loss"), "failed trial's reason is listed");
        assertFalse(html.contains("NaN<") || html.contains(">NaN"), "no NaN printed as a number");
        assertNoTemporaryFolders(study);
    }

    @Test
    void drawsPerLayerSparsityWhenRecordedAndReplacesAnEarlierReport() throws IOException {
        Path study = tmp.resolve("layers");
        SyntheticStudy synthetic = new SyntheticStudy();
        synthetic.layerSparsity = "{\"lstm.0.W\":0.61,\"lstm.0.U\":0.72,\"decoder\":0.55}";
        synthetic.writeTo(study);
        Path stale = study.resolve("report").resolve("stale.png");
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, "old");

        Path index = StudyReport.write(study);

        assertFalse(Files.exists(stale), "the earlier report is replaced as a whole");
        String html = Files.readString(index);
        assertTrue(referencedImages(html).contains("layer-sparsity.png"));
        BufferedImage image = ImageIO.read(index.getParent().resolve("layer-sparsity.png").toFile());
        assertEquals(Charts.WIDTH, image.getWidth());
        assertTrue(html.contains("<td>lstm.0.U</td><td>0.7200</td>"));
        assertFalse(html.contains("Per-layer sparsity is not recorded"));
        assertNoTemporaryFolders(study);
    }

    @Test
    void saysCoefficientsAreUndefinedWithFewerThanThreePoints() throws IOException {
        Path study = tmp.resolve("two");
        SyntheticStudy synthetic = new SyntheticStudy();
        synthetic.distance = new double[] {2.0, 3.0};
        synthetic.earlyPpl = new double[] {60, 55};
        synthetic.finalPpl = new double[] {40, 47};
        synthetic.finalists = List.of(1, 2);
        synthetic.failedTrial = false;
        synthetic.writeTo(study);

        String html = Files.readString(StudyReport.write(study));

        assertEquals("2", cell(html, "n-distance"));
        for (String id : List.of("spearman-distance", "kendall-distance", "spearman-ppl", "kendall-ppl")) {
            assertTrue(cell(html, id).contains("undefined (fewer than 3 points)"), id + ": " + cell(html, id));
        }
        assertFalse(html.contains("NaN"), "no NaN anywhere in the page");
    }

    @Test
    void missingTrialsFileIsAOneLineErrorNamingIt() throws IOException {
        Path study = tmp.resolve("missing");
        new SyntheticStudy().writeTo(study);
        Files.delete(study.resolve("trials.jsonl"));

        ReportException e = assertThrows(ReportException.class, () -> StudyReport.write(study));

        assertTrue(e.getMessage().contains("trials.jsonl"), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(Files.exists(study.resolve("report")), "no report written");
        assertNoTemporaryFolders(study);
    }

    @Test
    void malformedInputsNameTheFileAndLineAndKeepTheEarlierReport() throws IOException {
        Path study = tmp.resolve("malformed");
        new SyntheticStudy().writeTo(study);
        Path index = StudyReport.write(study);
        String before = Files.readString(index);

        Path journal = study.resolve("journal.jsonl");
        List<String> lines = Files.readAllLines(journal);
        Files.writeString(journal, lines.get(0) + "\n" + "{\"time\": \"2026-01-02T10:00:01Z\", \"event\": \n");
        ReportException bad = assertThrows(ReportException.class, () -> StudyReport.write(study));
        assertTrue(bad.getMessage().contains("journal.jsonl line 2: malformed JSON"), bad.getMessage());
        assertFalse(bad.getMessage().contains("\n"), "one line: " + bad.getMessage());
        assertEquals(before, Files.readString(index), "the earlier report is left as it was");

        new SyntheticStudy().writeTo(study);
        Path spectra = study.resolve("spectra.csv");
        Files.writeString(spectra, Files.readString(spectra) + "3,1,-0.5,oops,1,2,3,4\n");
        bad = assertThrows(ReportException.class, () -> StudyReport.write(study));
        assertTrue(bad.getMessage().contains("spectra.csv line"), bad.getMessage());
        assertTrue(bad.getMessage().contains("malformed number"), bad.getMessage());

        new SyntheticStudy().writeTo(study);
        Path trials = study.resolve("trials.jsonl");
        Files.writeString(trials, Files.readString(trials).replaceFirst("\"trial\":1,", "\"trial\":\"one\","));
        bad = assertThrows(ReportException.class, () -> StudyReport.write(study));
        assertTrue(bad.getMessage().contains("trials.jsonl line 1: malformed (\"trial\" is not an integer)"),
                bad.getMessage());
        assertNoTemporaryFolders(study);
    }

    private static void assertCoefficient(String html, String id, double byHand, double computed) {
        assertEquals(byHand, computed, 1e-12, id + " computed");
        assertEquals(String.format(Locale.ROOT, "%.3f", byHand), cell(html, id), id + " printed");
    }

    private static String cell(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">(.*?)</t[dh]>|id=\"" + id + "\">(.*?)</b>").matcher(html);
        assertTrue(m.find(), "no element " + id);
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    private static Set<String> pngs(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> referencedImages(String html) {
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        Set<String> out = new TreeSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static void assertNoTemporaryFolders(Path study) throws IOException {
        try (Stream<Path> files = Files.list(study)) {
            List<String> leftovers = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".report"))
                    .toList();
            assertTrue(leftovers.isEmpty(), "temporary folders left: " + leftovers);
        }
    }
}
