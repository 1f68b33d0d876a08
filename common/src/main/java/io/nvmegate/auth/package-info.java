/**
 * In-band authentication on the target: the DH-HMAC-CHAP transaction of one queue
 * ({@link io.nvmegate.auth.DhchapTransaction}) and the host's credentials it checks against
 * ({@link io.nvmegate.auth.DhchapCredentials}). NVMe Base 2.x section 8.3.4.5; the model is Linux
 * {@code drivers/nvme/target/fabrics-cmd-auth.c} and {@code target/auth.c}.
 *
 * <p>The pure pieces shared with the Java host library (secret format, hashes, DH groups, message codecs, response
 * computations) live in {@code io.nvmegate.protocol.auth}; only the controller's state machine is here. This package
 * does no I/O and knows neither the catalog nor the transport: the fabrics layer ({@code io.nvmegate.fabrics}) is to
 * create one transaction per queue after a Connect that sets AUTHREQ.ATR, hand it the data of Authentication Send
 * (opcode 7Fh, FCTYPE 05h) and return its data for Authentication Receive (FCTYPE 06h), gate other commands on
 * {@link io.nvmegate.auth.DhchapTransaction#authenticated()}, arm the step timer, and end the controller when
 * {@link io.nvmegate.auth.DhchapTransaction#failed()}.
 */
package io.nvmegate.auth;
