package io.nvmegate.catalog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files and directories that hold secrets (the catalog store, a saved configuration): readable by the service
 * user only — files {@code 0600}, directories {@code 0700}. The mode is given at creation ({@code open(2)} /
 * {@code mkdir(2)} with that mode, which the umask can only narrow), so the content is never readable by anyone
 * else, not even for a moment; a file or directory found with wider permissions is tightened, with a warning
 * naming it. On a file system without POSIX permissions (Windows) the files are written plainly.
 */
public final class PrivateFiles {
    private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);
    /** {@code rwx------}. */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** {@code rw-------}. */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates {@code dir} (and missing parents) {@code 0700}, or tightens an existing one whose group or others
     * have any permission (warning).
     *
     * @return {@code dir}
     * @throws IOException if it cannot be created, or exists and is not a directory
     */
    public static Path directory(Path dir) throws IOException {
        if (!posix()) return Files.createDirectories(dir);
        if (Files.isDirectory(dir)) {
            tighten(dir.toRealPath(), DIRECTORY, true);
            return dir;
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) throw new IOException(dir + " exists and is not a directory");
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(DIRECTORY);
        Files.createDirectories(dir, mode); // mkdir(2) with 0700: private from its first moment
        return dir;
    }

    /**
     * Tightens every file under {@code dir} (not following links) to {@code 0600} and every directory to
     * {@code 0700}, warning for each that was wider when {@code warn}.
     *
     * @return how many were tightened
     */
    public static int tightenTree(Path dir, boolean warn) throws IOException {
        if (!posix() || !Files.isDirectory(dir)) return 0;
        int n = 0;
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.toList();
        }
        for (Path p : all) {
            if (Files.isSymbolicLink(p)) continue;
            if (tighten(p, Files.isDirectory(p) ? DIRECTORY : FILE, warn)) n++;
        }
        return n;
    }

    /**
     * Writes {@code content} (UTF-8) to {@code file} as a new {@code 0600} file: into a temporary file created
     * {@code 0600} beside it, then renamed over {@code file} atomically. An existing {@code file} with wider
     * permissions is replaced by the private one, with a warning.
     */
    public static void write(Path file, String content) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (!posix()) {
            Files.writeString(abs, content, StandardCharsets.UTF_8);
            return;
        }
        if (Files.exists(abs) && !Files.isSymbolicLink(abs) && wider(Files.getPosixFilePermissions(abs), FILE)) {
            log.warn("{} was readable by others ({}): replaced by a file readable only by its owner (rw-------)",
                    abs, PosixFilePermissions.toString(Files.getPosixFilePermissions(abs)));
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(FILE));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                out.write(content.getBytes(StandardCharsets.UTF_8));
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** @return true if {@code p} was wider than {@code mode} and has been set to it */
    private static boolean tighten(Path p, Set<PosixFilePermission> mode, boolean warn) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (!wider(now, mode)) return false;
        Files.setPosixFilePermissions(p, mode);
        if (warn) {
            log.warn("{} was accessible to others ({}): tightened to {} (it holds secrets; readable only by the service user)",
                    p, PosixFilePermissions.toString(now), PosixFilePermissions.toString(mode));
        }
        return true;
    }

    /** @return true if {@code now} grants group or others anything (the owner's bits are left as they are) */
    private static boolean wider(Set<PosixFilePermission> now, Set<PosixFilePermission> mode) {
        for (PosixFilePermission p : now) {
            if (!mode.contains(p) && !p.name().startsWith("OWNER_")) return true;
        }
        return false;
    }
}
