package io.nvmegate.protocol.auth;

import java.security.SecureRandom;

/**
 * Sequence numbers S1 (controller) and S2 (host) for DH-HMAC-CHAP messages, as Linux {@code nvme_auth_get_seqnum}:
 * a random first value, then +1 for each message, never 0 (0 in a Reply means "no controller authentication").
 * Thread-safe; {@link #SHARED} is the JVM-wide instance, like the kernel's single counter.
 */
public final class DhchapSequence {
    /** The sequence every transaction of this JVM uses unless given another. */
    public static final DhchapSequence SHARED = new DhchapSequence(new SecureRandom());

    private final SecureRandom random;
    private int last;

    public DhchapSequence(SecureRandom random) {
        this.random = random;
    }

    /** @return the next sequence number (a u32 in an int), never 0 */
    public synchronized int next() {
        if (last == 0) {
            while (last == 0) last = random.nextInt();
        } else {
            last++;
            if (last == 0) last++;
        }
        return last;
    }
}
