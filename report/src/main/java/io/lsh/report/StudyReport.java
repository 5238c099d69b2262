package io.lsh.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the HTML report of a finished (or interrupted) study into its folder.
 *
 * <p>Input, from the study folder: {@code trials.jsonl}, {@code spectra.csv} and {@code journal.jsonl} (required),
 * {@code leaderboard.txt} (optional: the trials table is rebuilt from {@code trials.jsonl} anyway). Output:
 * {@code report/index.html} with its PNG charts beside it in {@code report/}, referenced relatively, so the
 * folder can be copied or served as it is. The page shows
 * <ol>
 *   <li>the Lyapunov spectra of the dense reference and the nearest candidates at the measured epochs
 *       (Zheng &amp; Shlizerman 2025, Fig. 1A);</li>
 *   <li>the LS distance at the first rung against the final validation perplexity, with Spearman's rho and
 *       Kendall's tau-b ({@link RankCorrelation});</li>
 *   <li>the validation perplexity at the first rung against the final one (the loss-based baseline's view);</li>
 *   <li>a timeline of the runs on each worker with promotions, stops and the selection;</li>
 *   <li>the selected model's sparsity (per layer when the study recorded it);</li>
 *   <li>the leaderboard.</li>
 * </ol>
 *
 * <p>The report is rendered in a temporary folder inside the study folder and moved into place when complete,
 * replacing an earlier report: a failure never leaves a half-written {@code report/}. Rendering runs AWT in
 * headless mode (the {@code java.awt.headless} property is set to {@code true} unless already set).
 * Stateless; concurrent calls for the same study folder are not supported.
 */
public final class StudyReport {

    /** Name of the report's folder inside the study folder. */
    public static final String FOLDER = "report";
    /** Name of the report's page inside {@link #FOLDER}. */
    public static final String INDEX = "index.html";

    private static final Logger LOG = LoggerFactory.getLogger(StudyReport.class);

    private StudyReport() {
    }

    /**
     * Reads the study folder and writes its report.
     *
     * @param studyFolder a study folder as {@code lsh search} leaves it
     * @return the path of {@code report/index.html} inside {@code studyFolder}
     * @throws ReportException if an input file is missing or malformed (the one-line message names it), or the
     *                         report cannot be written; no partial report is left behind
     */
    public static Path write(Path studyFolder) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        StudyData data = new StudyReader(studyFolder).read();
        Path target = studyFolder.resolve(FOLDER);
        Path tmp;
        try {
            tmp = Files.createTempDirectory(studyFolder, ".report-");
            if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                // a temporary directory is private (rwx------); the report is for reading like the study folder
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new ReportException(studyFolder + ": cannot create a temporary report folder ("
                    + StudyReader.oneLine(e.getMessage()) + ")", e);
        }
        try {
            String html = new ReportPage(data, tmp).render();
            Files.writeString(tmp.resolve(INDEX), html, StandardCharsets.UTF_8);
            replace(tmp, target, studyFolder);
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(tmp);
            throw new ReportException(target + ": cannot write the report (" + StudyReader.oneLine(e.getMessage())
                    + ")", e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e instanceof ReportException r ? r : new ReportException(target + ": cannot render the report ("
                    + StudyReader.oneLine(e.toString()) + ")", e);
        }
        Path index = target.resolve(INDEX);
        LOG.info("Study report written to {}", index);
        return index;
    }

    /** Moves the finished report into place, swapping out (then deleting) an earlier one. */
    private static void replace(Path fresh, Path target, Path studyFolder) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(studyFolder, ".report-old-");
            Files.delete(old);
            move(target, old);
        }
        try {
            move(fresh, target);
        } catch (IOException e) {
            if (old != null) {
                move(old, target);
            }
            throw e;
        }
        if (old != null) {
            deleteQuietly(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
