/**
 * In-band authentication on the target, DH-HMAC-CHAP (NVMe Base 2.x section 8.3.4.5; the model is Linux
 * {@code drivers/nvme/target/fabrics-cmd-auth.c} and {@code target/auth.c}), enforced on every queue:
 * <ul>
 *   <li>{@link io.nvmegate.auth.AuthCommands}: Authentication Send/Receive (Fabrics 7Fh, FCTYPE 05h/06h), their
 *       SQE checks and data;</li>
 *   <li>{@link io.nvmegate.auth.DhchapTransaction}: the controller's state machine of one queue (pure);</li>
 *   <li>{@link io.nvmegate.auth.QueueAuth}: one queue's transaction, step timer and gate (the controller core's
 *       {@link io.nvmegate.controller.QueueAuthentication}); a failed transaction ends the controller;</li>
 *   <li>{@link io.nvmegate.auth.DhchapAuthenticator}: per target, who must authenticate (decided at Connect from the
 *       {@link io.nvmegate.auth.AuthPolicy} SPI the gateway implements over its catalog), failure log and counter,
 *       and the per-host slow-down ({@link io.nvmegate.auth.AuthThrottle}).</li>
 * </ul>
 * The pure pieces shared with the Java host library (secret format, hashes, DH groups, message codecs, response
 * computations) live in {@code io.nvmegate.protocol.auth}. The fabrics layer ({@code io.nvmegate.fabrics}) sets
 * AUTHREQ.ATR in the Connect response and refuses other commands on a queue that has not authenticated; this package
 * knows neither the catalog nor the transport.
 */
package io.nvmegate.auth;
