package io.nvmegate.client;

import java.util.ArrayList;
import java.util.List;

/**
 * The Discovery Log Page (Log Identifier 70h; NVMe Base 2.0 section 5.16.1.23, Figure 261): a 1024-byte header
 * {@code GENCTR le64 @0, NUMREC le64 @8, RECFMT le16 @16}, then NUMREC entries of 1024 bytes from offset 1024.
 *
 * @param genctr  Generation Counter
 * @param recfmt  Record Format (0)
 * @param entries the NUMREC entries
 */
public record DiscoveryLog(long genctr, int recfmt, List<DiscoveryLogEntry> entries) {
    public static final int HEADER_SIZE = 1024;

    public DiscoveryLog {
        entries = List.copyOf(entries);
    }

    /** The NVM subsystem entries (SUBTYPE 2): what {@code nvme connect-all} connects. */
    public List<DiscoveryLogEntry> subsystemEntries() {
        return entries.stream().filter(e -> e.subtype() == DiscoveryLogEntry.SUBTYPE_NVM).toList();
    }

    /**
     * Parses a page holding the header followed by the entries.
     *
     * @throws IllegalArgumentException if the page is shorter than the header or than NUMREC entries
     */
    public static DiscoveryLog parse(byte[] page) {
        if (page.length < HEADER_SIZE) throw new IllegalArgumentException("discovery log shorter than its header");
        long numrec = Bytes.u64(page, 8);
        if (numrec < 0 || numrec > (page.length - HEADER_SIZE) / DiscoveryLogEntry.SIZE) {
            throw new IllegalArgumentException("discovery log NUMREC " + Long.toUnsignedString(numrec) + " but only "
                    + (page.length - HEADER_SIZE) / DiscoveryLogEntry.SIZE + " entries present");
        }
        List<DiscoveryLogEntry> l = new ArrayList<>();
        for (int i = 0; i < numrec; i++) l.add(DiscoveryLogEntry.parse(page, HEADER_SIZE + i * DiscoveryLogEntry.SIZE));
        return new DiscoveryLog(Bytes.u64(page, 0), Bytes.u16(page, 16), l);
    }
}
