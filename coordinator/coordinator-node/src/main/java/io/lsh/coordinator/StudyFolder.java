package io.lsh.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The folder of one study and the names of everything in it:
 * <pre>
 * study.conf          the resolved settings
 * lsh.log             the full log
 * journal.jsonl       every state change, appended and synced before it is acted on
 * trials.csv          one row per trial (written at the end)
 * trials.jsonl        the same as JSON Lines, with every round's results
 * spectra.csv         every measured Lyapunov spectrum (trial 0 = the dense reference)
 * leaderboard.txt     the table printed at the end
 * checkpoints/        trial checkpoints (trial-0003-epoch-4.lshc), the reference's too
 * selected-model.lshc checkpoint of the selected model
 * coordinator.lock    the study lock of the coordinator that writes the folder ({@link StudyLock})
 * </pre>
 */
public record StudyFolder(Path path) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** Creates {@code out/name-yyyyMMdd-HHmmss} (with a numeric suffix if that exists already). */
    public static StudyFolder create(Path out, String name, LocalDateTime now) {
        String base = name + "-" + STAMP.format(now);
        try {
            Files.createDirectories(out);
            for (int i = 0; ; i++) {
                Path candidate = out.resolve(i == 0 ? base : base + "-" + i);
                try {
                    Files.createDirectory(candidate);
                    Files.createDirectory(candidate.resolve("checkpoints"));
                    return new StudyFolder(candidate.toAbsolutePath());
                } catch (FileAlreadyExistsException e) {
                    // next suffix
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the study folder under " + out + ": " + e.getMessage(), e);
        }
    }

    public Path settingsFile() {
        return path.resolve("study.conf");
    }

    public Path logFile() {
        return path.resolve("lsh.log");
    }

    public Path journalFile() {
        return path.resolve("journal.jsonl");
    }

    public Path trialsCsv() {
        return path.resolve("trials.csv");
    }

    public Path trialsJsonl() {
        return path.resolve("trials.jsonl");
    }

    public Path spectraCsv() {
        return path.resolve("spectra.csv");
    }

    public Path leaderboardFile() {
        return path.resolve("leaderboard.txt");
    }

    public Path selectedModel() {
        return path.resolve("selected-model.lshc");
    }

    /** Checkpoint of a trial after {@code epoch} epochs (trial 0 is the dense reference). */
    public Path checkpoint(int trialId, int epoch) {
        return path.resolve("checkpoints").resolve(String.format("trial-%04d-epoch-%d.lshc", trialId, epoch));
    }

    /** Writes a whole file atomically: a reader sees the old content or the new, never half of it. */
    public static void writeAtomically(Path target, String content) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            moveIntoPlace(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Copies a file atomically (temp file + move). */
    public static void copyAtomically(Path source, Path target) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            moveIntoPlace(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Renames a finished temporary file over its target, atomically where the file system can. */
    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
