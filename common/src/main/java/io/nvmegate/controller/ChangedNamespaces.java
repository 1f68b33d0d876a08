package io.nvmegate.controller;

import io.vertx.core.buffer.Buffer;

import java.util.TreeSet;

/**
 * The Changed Namespace List log page (LID 04h, NVMe Base 2.0 section 5.16.1.5) of one controller: up to 1024
 * NSIDs (le32, ascending, zero-filled, 4096 bytes) whose attributes changed since the host last read the page
 * with RAE = 0; more than 1024 changes → the first entry is FFFFFFFFh. Reading it with RAE = 0 clears it.
 * Thread-safe.
 */
public final class ChangedNamespaces {
    public static final int MAX = 1024;
    private final TreeSet<Integer> nsids = new TreeSet<>(Integer::compareUnsigned);
    private boolean overflow;

    /** Namespace {@code nsid} was added, removed or changed. */
    public synchronized void add(int nsid) {
        if (overflow) return;
        nsids.add(nsid);
        if (nsids.size() > MAX) {
            overflow = true;
            nsids.clear();
        }
    }

    /** @return the page; cleared afterwards when {@code clear} (a read with RAE = 0). */
    public synchronized Buffer page(boolean clear) {
        Buffer b = Buffer.buffer(MAX * 4);
        if (overflow) {
            b.appendIntLE(0xFFFFFFFF);
        } else {
            for (int n : nsids) b.appendIntLE(n);
        }
        b.appendBytes(new byte[MAX * 4 - b.length()]);
        if (clear) {
            nsids.clear();
            overflow = false;
        }
        return b;
    }
}
