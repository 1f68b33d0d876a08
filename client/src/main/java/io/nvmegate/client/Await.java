package io.nvmegate.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Blocking waits for the convenience methods. */
final class Await {
    private Await() {}

    /**
     * Waits for {@code f} (command timeouts bound the wait) and returns its value or rethrows its
     * {@link NvmeException}. Refuses to block on a queue's reader thread (where callbacks of completed futures
     * run), since that thread may be the one that has to complete {@code f}.
     */
    static <T> T get(CompletableFuture<T> f) {
        if (!f.isDone() && QueueConnection.onReaderThread()) {
            throw new IllegalStateException("blocking NVMe call on a queue reader thread (" + Thread.currentThread().getName()
                    + "): it would stall the queue; use the *Async methods or thenComposeAsync in callbacks");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NvmeException("interrupted while waiting for a command", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof NvmeException n) throw n;
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new NvmeException(String.valueOf(c), c);
        } catch (java.util.concurrent.CancellationException e) {
            throw new NvmeException("command cancelled", e);
        }
    }
}
