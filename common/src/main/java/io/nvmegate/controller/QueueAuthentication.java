package io.nvmegate.controller;

/**
 * The in-band authentication state of one queue, as the controller core sees it (nvmet's {@code
 * sq->authenticated}, {@code sq->dhchap_*}). The DH-HMAC-CHAP implementation ({@code io.nvmegate.auth.QueueAuth})
 * provides it; the controller core only asks whether the queue may carry commands other than Fabrics commands
 * ({@link #authenticated()}) and tells it when the queue goes ({@link #closed()}).
 */
public interface QueueAuthentication {
    /**
     * @return true when the host may use the queue: authentication is not required on it, or the host completed
     *         DH-HMAC-CHAP on it (nvmet {@code nvmet_check_auth_status}). While false, every command other than a
     *         Fabrics command completes with Authentication Required | DNR.
     */
    boolean authenticated();

    /** The queue's connection is gone: cancel timers, forget secrets. */
    void closed();
}
