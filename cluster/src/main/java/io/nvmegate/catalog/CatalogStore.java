package io.nvmegate.catalog;

import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog's small local RocksDB ({@code <data>/catalog}, a directory readable only by the service user, mode
 * {@code 0700}, see {@link PrivateFiles}: it holds host keys): one key space for every catalog map, key
 * {@code "<map name>\0<entry key>"} (UTF-8), value the entry's JSON (UTF-8). Writes are synchronous
 * ({@code WriteOptions.setSync(true)}: on disk before the map operation returns). One instance per directory per
 * JVM, shared by the map stores of every catalog map and reference-counted ({@link #open} / {@link #release}).
 */
public final class CatalogStore {
    private static final Map<Path, CatalogStore> OPEN = new HashMap<>();

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final Options options;
    private final WriteOptions sync;
    private final RocksDB db;
    private int refs;

    private CatalogStore(Path dir) throws IOException, RocksDBException {
        PrivateFiles.directory(dir); // 0700 from creation; an existing wider one is tightened (warning)
        PrivateFiles.tightenTree(dir, true); // files left by an older version or copied in: 0600 (warning)
        this.dir = dir;
        this.options = new Options().setCreateIfMissing(true);
        this.sync = new WriteOptions().setSync(true);
        this.db = RocksDB.open(options, dir.toString());
        // RocksDB creates its files (SST, WAL, MANIFEST, LOG) 0644 minus the umask, with no option to change
        // that from Java: the 0700 directory is what keeps them private; tightening them too keeps them private
        // when copied with their modes (cp -p, tar) — quietly, this is expected after every open
        PrivateFiles.tightenTree(dir, false);
    }

    /** Opens (or shares the already open) store in {@code dir}. */
    public static synchronized CatalogStore open(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        CatalogStore s = OPEN.get(key);
        if (s == null) {
            try {
                s = new CatalogStore(key);
            } catch (IOException | RocksDBException e) {
                throw new IllegalStateException("cannot open the catalog store " + key + ": " + e.getMessage(), e);
            }
            OPEN.put(key, s);
        }
        s.refs++;
        return s;
    }

    /** Drops one reference; the last one closes RocksDB. */
    public void release() {
        synchronized (CatalogStore.class) {
            if (--refs > 0) return;
            OPEN.remove(dir);
            db.close();
            sync.close();
            options.close();
        }
    }

    public String get(String map, String key) {
        try {
            byte[] v = db.get(k(map, key));
            return v == null ? null : new String(v, StandardCharsets.UTF_8);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    public void put(String map, String key, String json) {
        try {
            db.put(sync, k(map, key), json.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    public void delete(String map, String key) {
        try {
            db.delete(sync, k(map, key));
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the entry keys of {@code map}. */
    public List<String> keys(String map) {
        byte[] prefix = (map + '\0').getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (!startsWith(k, prefix)) break;
                out.add(new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static byte[] k(String map, String key) {
        return (map + '\0' + key).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        if (a.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (a[i] != prefix[i]) return false;
        return true;
    }
}
