package dev.flint.gui.diagnostics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The GUI's and the service's log directories, as the Diagnostics page sees them. */
public final class LogFiles {

    private static final Logger LOG = LoggerFactory.getLogger(LogFiles.class);
    private static final DateTimeFormatter STEM = DateTimeFormatter.ofPattern("yyyy_MM_dd-HH-mm", Locale.ROOT);

    /** Files and bytes, summed over both directories. */
    public record Size(int files, long bytes) {
        /** "3 files, 1.2 MB" (MB = 10^6 bytes, one decimal). */
        public String describe() {
            return files + (files == 1 ? " file, " : " files, ")
                    + String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
        }
    }

    private final Path guiLogs;
    private final Path serviceLogs;

    public LogFiles(Path guiLogs, Path serviceLogs) {
        this.guiLogs = guiLogs;
        this.serviceLogs = serviceLogs;
    }

    public Path guiLogs() {
        return guiLogs;
    }

    public Size size() {
        int files = 0;
        long bytes = 0;
        for (Path dir : List.of(guiLogs, serviceLogs)) {
            for (Path f : regularFiles(dir)) {
                try {
                    bytes += Files.size(f);
                    files++;
                } catch (IOException e) {
                    LOG.debug("Cannot size {}: {}", f, e.toString());
                }
            }
        }
        return new Size(files, bytes);
    }

    public static String defaultStem(LocalDateTime now) {
        return "flint_logs_" + STEM.format(now);
    }

    /**
     * Writes a zip with one top-level directory {@code stem} (so unpacking never litters the
     * current directory) holding {@code app/} (GUI logs) and {@code connlib/} (service logs).
     * Written to {@code <target>.partial} first, then renamed. Unreadable files are skipped.
     */
    public void export(Path target, String stem) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(stem + "/"));
            zip.closeEntry();
            add(zip, stem + "/app/", guiLogs);
            add(zip, stem + "/connlib/", serviceLogs);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The latest connectivity report, kept beside the app's logs so the log export carries it. */
    public Path connectivityReport() {
        return guiLogs.resolve("connectivity-report.txt");
    }

    /** Saves the report atomically, readable by the user only. */
    public void saveConnectivityReport(String text) throws IOException {
        dev.flint.gui.settings.PrivateFiles.writeAtomically(connectivityReport(), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Deletes the GUI's own {@code *.log} files except the one being written ({@code keep}). */
    public int clearGuiLogs(Path keep) {
        int deleted = 0;
        for (Path f : regularFiles(guiLogs)) {
            String name = f.getFileName().toString();
            if ((name.endsWith(".log") || name.endsWith("latest")) && !f.equals(keep)) {
                try {
                    Files.deleteIfExists(f);
                    deleted++;
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", f, e.toString());
                }
            }
        }
        return deleted;
    }

    private static void add(ZipOutputStream zip, String prefix, Path dir) throws IOException {
        zip.putNextEntry(new ZipEntry(prefix));
        zip.closeEntry();
        for (Path f : regularFiles(dir)) {
            byte[] content;
            try {
                content = Files.readAllBytes(f);
            } catch (IOException e) {
                LOG.info("Skipping unreadable log {}: {}", f, e.toString());
                continue;
            }
            zip.putNextEntry(new ZipEntry(prefix + f.getFileName()));
            zip.write(content);
            zip.closeEntry();
        }
    }

    private static List<Path> regularFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            LOG.info("Cannot list {}: {}", dir, e.toString());
        }
        out.sort(null);
        return out;
    }
}
