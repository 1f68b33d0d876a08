package io.nvmegate.gateway.io;

/**
 * How long and how a gateway keeps resending a request of a replicated namespace while its Raft group changes
 * leader ({@link ReplicatedSend}). The Linux host's own I/O timeout is 30 s ({@code nvme_core.io_timeout}), after
 * which it aborts the command and resets the controller: the budget stays well below it so that the host gets
 * Asymmetric Access Transition (which it requeues, {@code nvme_failover_req}) rather than a timeout.
 *
 * @param budgetMs         total time per command, all attempts included, before it completes with Asymmetric
 *                         Access Transition (ms)
 * @param attemptTimeoutMs time one attempt waits for a replica's reply before the next replica is tried (ms)
 * @param backoffMinMs     first wait before trying another replica after a timeout, no consumer or a not-leader
 *                         answer without hint (ms); doubles per retry
 * @param backoffMaxMs     largest such wait (ms)
 * @param maxRedirects     consecutive redirects (resent at once to the hinted leader) before the next one waits a
 *                         backoff like a not-leader answer without hint (two replicas naming each other)
 */
public record FailoverPolicy(long budgetMs, long attemptTimeoutMs, long backoffMinMs, long backoffMaxMs, int maxRedirects) {
    public FailoverPolicy {
        if (budgetMs <= 0 || attemptTimeoutMs <= 0 || backoffMinMs <= 0 || backoffMaxMs < backoffMinMs || maxRedirects < 1) {
            throw new IllegalArgumentException("invalid failover policy " + budgetMs + "/" + attemptTimeoutMs + "/"
                    + backoffMinMs + "/" + backoffMaxMs + "/" + maxRedirects);
        }
    }

    /**
     * 20 s budget ({@code -Dnvmegate.gateway.failoverBudgetMs}), 3 s per attempt
     * ({@code -Dnvmegate.gateway.attemptTimeoutMs}), backoff 10 ms doubling to 500 ms, 5 consecutive redirects.
     */
    public static FailoverPolicy defaults() {
        return new FailoverPolicy(Long.getLong("nvmegate.gateway.failoverBudgetMs", 20_000),
                Long.getLong("nvmegate.gateway.attemptTimeoutMs", 3_000), 10, 500, 5);
    }
}
