package io.lsh.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive right of one JVM to write a study folder (its journal, checkpoints and exports): an operating-system
 * lock on {@code coordinator.lock} in the folder. The active coordinator holds it for as long as it runs the study; a
 * standby coordinator (a second {@code lsh coordinator} joined to the same cluster) takes it over only after the
 * holder's process has ended, when the operating system releases it, so the journal is never written by two JVMs at
 * once, even when a network partition splits the cluster. The file itself stays; only the lock matters. It names the
 * holder (process id and cluster address) for the messages of those who wait.
 *
 * <p>One instance per JVM and folder; thread-safe. Closing releases the lock (a process that dies releases it too).
 */
public final class StudyLock implements AutoCloseable {

    /** The lock file's name in the study folder. */
    public static final String FILE_NAME = "coordinator.lock";

    private final Path file;
    private final String holder;
    private FileChannel channel;
    private FileLock lock;

    /**
     * @param folder the study folder
     * @param holder who this JVM is, written into the lock file when it takes the lock (e.g. its cluster address)
     */
    public StudyLock(StudyFolder folder, String holder) {
        this.file = folder.path().resolve(FILE_NAME);
        this.holder = holder;
    }

    /**
     * Takes the lock if no other process holds it.
     *
     * @return true when this JVM holds the lock (now or already)
     * @throws UncheckedIOException when the lock file cannot be opened or the filesystem has no locks
     */
    public synchronized boolean tryAcquire() {
        if (lock != null) {
            return true;
        }
        try {
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            }
            FileLock taken = channel.tryLock();
            if (taken == null) {
                return false;
            }
            lock = taken;
            byte[] who = ("pid " + ProcessHandle.current().pid() + ", " + holder + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(who), 0);
            channel.force(false);
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // another StudyLock of this JVM holds it
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a coordinator node that has become unreachable may be downed without risk for the study: true when
     * this JVM holds the lock (the unreachable node is not the active coordinator) or when nobody does (its holder's
     * process has ended). Does not take the lock.
     */
    public synchronized boolean heldHereOrFree() {
        if (lock != null) {
            return true;
        }
        try {
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            }
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return false;
            }
            probe.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return true when this JVM holds the lock */
    public synchronized boolean held() {
        return lock != null;
    }

    /** @return the lock file's content: who holds (or last held) the lock; empty when unknown */
    public String lastHolder() {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** @return the lock file */
    public Path file() {
        return file;
    }

    /** Releases the lock (if held) and closes the file. */
    @Override
    public synchronized void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // the process is giving the folder up either way; closing the channel releases the lock
        } finally {
            lock = null;
            channel = null;
        }
    }
}
