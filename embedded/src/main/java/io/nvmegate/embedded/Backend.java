package io.nvmegate.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a namespace of an embedded target keeps its blocks.
 *
 * <ul>
 *   <li>{@link #NULL}: keeps nothing; writes are discarded and every read returns zeroes. The fastest backend,
 *       for protocol tests and benchmarks of the host side.</li>
 *   <li>{@link #MEMORY}: RAM on the Java heap (like SPDK's malloc bdev), thin-provisioned: a written block costs
 *       about {@code blockSize + 100} bytes of heap, never-written blocks read as zeroes. Data lives until the
 *       target stops.</li>
 *   <li>{@link #rocksdb(Path)}: RocksDB under {@code dir} (the database is {@code <dir>/<worker>/rocksdb});
 *       data survives a restart of the target on the same directory. All RocksDB namespaces of one target share
 *       one directory (and one database).</li>
 * </ul>
 */
public final class Backend {
    /** Discards writes, reads zeroes (catalog backend {@code "null"}). */
    public static final Backend NULL = new Backend("null", null);
    /** Keeps blocks in RAM until the target stops (catalog backend {@code "memory"}). */
    public static final Backend MEMORY = new Backend("memory", null);
    /**
     * A test backend (catalog backend {@code "slow"}): RAM like {@link #MEMORY}, every store call delayed by
     * {@code -Dnvmegate.test.storeLatencyMicros} (default 2000) on the worker's storage threads: a disk slower than
     * the hosts, for overload and back-pressure tests.
     */
    public static final Backend SLOW = new Backend("slow", null);

    private final String name;
    private final Path directory;

    private Backend(String name, Path directory) {
        this.name = name;
        this.directory = directory;
    }

    /** RocksDB in {@code directory} (created if missing; reused, with its data, if present). */
    public static Backend rocksdb(Path directory) {
        return new Backend("rocksdb", Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize());
    }

    /** @return the catalog/config name: {@code null}, {@code memory} or {@code rocksdb} */
    public String name() { return name; }

    /** @return the RocksDB data directory, or null for {@link #NULL} and {@link #MEMORY} */
    public Path directory() { return directory; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Backend b && b.name.equals(name) && Objects.equals(b.directory, directory);
    }

    @Override
    public int hashCode() { return Objects.hash(name, directory); }

    @Override
    public String toString() { return directory == null ? name : name + "(" + directory + ")"; }
}
