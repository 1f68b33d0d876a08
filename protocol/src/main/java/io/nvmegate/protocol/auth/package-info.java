/**
 * DH-HMAC-CHAP, the pieces both ends share (NVMe Base 2.x section 8.3.4.5 "DH-HMAC-CHAP protocol", formerly TP 8006;
 * Linux {@code drivers/nvme/common/auth.c}): the secret representation and key transformation
 * ({@link io.nvmegate.protocol.auth.DhchapSecret}), the hashes and RFC 7919 DH groups
 * ({@link io.nvmegate.protocol.auth.DhchapHash}, {@link io.nvmegate.protocol.auth.DhGroup},
 * {@link io.nvmegate.protocol.auth.DhKeyExchange}), the message codecs ({@link io.nvmegate.protocol.auth.AuthMessage}
 * and one record per message) and the response computations ({@link io.nvmegate.protocol.auth.DhchapResponse}).
 *
 * <p>Why here: the target's transaction ({@code io.nvmegate.auth.DhchapTransaction}, module common) and the Java
 * host library ({@code io.nvmegate.client.DhchapHost}) both need them, and the host library may not depend on the
 * target's modules; {@code protocol} is the module both already depend on. Pure Java over the JDK's crypto
 * providers: no I/O, no state beyond one exchange, no logging; secrets never appear in {@code toString()} or
 * exception messages.
 */
package io.nvmegate.protocol.auth;
