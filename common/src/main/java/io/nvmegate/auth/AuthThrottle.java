package io.nvmegate.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down repeated DH-HMAC-CHAP failures of one host NQN, so a wrong-key loop cannot keep the gateway busy with
 * DH computations: after n consecutive failures the host's next AUTH_Negotiate is answered only after a delay of
 * {@code min(base * 2^(n-1), max)} (default 100 ms doubling up to 5 s); a success resets it. Other host NQNs are not
 * affected. The caller waits with a timer, never by blocking a thread. At most {@link #MAX_HOSTS} host NQNs are
 * remembered (least recently failed forgotten first), so a flood of made-up NQNs cannot grow it without bound.
 * nvmet has no such delay (our own addition). Thread-safe.
 */
public final class AuthThrottle {
    /** Host NQNs remembered. */
    public static final int MAX_HOSTS = 10_000;

    private final long baseMs;
    private final long maxMs;
    private final Map<String, Integer> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > MAX_HOSTS;
        }
    };

    /** @param baseMs delay after the first failure; @param maxMs the bound */
    public AuthThrottle(long baseMs, long maxMs) {
        if (baseMs < 0 || maxMs < baseMs) throw new IllegalArgumentException("delays " + baseMs + ".." + maxMs);
        this.baseMs = baseMs;
        this.maxMs = maxMs;
    }

    /** 100 ms doubling up to 5 s. */
    public static AuthThrottle defaults() {
        return new AuthThrottle(100, 5_000);
    }

    /** @return ms to wait before answering this host's AUTH_Negotiate (0: none) */
    public synchronized long delayMs(String hostNqn) {
        Integer n = failures.get(hostNqn);
        if (n == null || n == 0) return 0;
        long d = baseMs;
        for (int i = 1; i < n && d < maxMs; i++) d *= 2;
        return Math.min(d, maxMs);
    }

    /** One more failed authentication of this host. */
    public synchronized void failed(String hostNqn) {
        failures.merge(hostNqn, 1, (a, b) -> Math.min(a + b, 64));
    }

    /** The host authenticated: no more delay. */
    public synchronized void succeeded(String hostNqn) {
        failures.remove(hostNqn);
    }
}
