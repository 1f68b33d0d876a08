package io.nvmegate.auth;

/**
 * Where the controller core learns which hosts must authenticate and with which keys (the SPI the gateway
 * implements over its catalog; the controller core knows no catalog). Both methods are called with the current
 * configuration: {@link #credentials} at every admin and I/O queue Connect and at every AUTH_Negotiate, so a key
 * rotated in the catalog is used by the next Connect or re-authentication while queues already authenticated keep
 * working (nvmet re-reads the host's keys at each Negotiate on the admin queue, {@code nvmet_setup_auth}).
 *
 * <p>The policy the gateway implements (README, Security): a host with a key must authenticate on every
 * subsystem; a host without a key is refused at Connect (Connect Invalid Host | DNR, as nvmet when {@code
 * nvmet_setup_auth} fails with -EPERM) on a subsystem that {@linkplain #required requires} authentication.
 */
public interface AuthPolicy {
    /**
     * @return the host's DH-HMAC-CHAP credentials on that subsystem, or null when the host has no key configured
     *         (it then does not authenticate). Must not throw; called on an event loop (no I/O).
     */
    DhchapCredentials credentials(String hostNqn, String subsysNqn);

    /**
     * @return true when this host must authenticate on the subsystem even though {@link #credentials} gave none:
     *         the subsystem (or the whole target) requires authentication, or the host's configured key is unusable.
     *         Such a host cannot connect.
     */
    boolean required(String hostNqn, String subsysNqn);

    /** No host authenticates (the discovery controller: nvmet never authenticates discovery, {@code nvmet_setup_auth}). */
    AuthPolicy NONE = new AuthPolicy() {
        @Override public DhchapCredentials credentials(String hostNqn, String subsysNqn) { return null; }
        @Override public boolean required(String hostNqn, String subsysNqn) { return false; }
    };
}
