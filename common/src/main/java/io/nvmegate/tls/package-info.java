/**
 * The NVMe/TCP secure channel on the target side (NVMe/TCP 1.1 section 3.6): TLS 1.3 with an external PSK, from Bouncy
 * Castle's TLS API in non-blocking mode, as a byte-stream filter between a queue's socket and its PDU framer
 * ({@link io.nvmegate.tls.TlsServerFilter}); the PSK is chosen by the identity the host offers
 * ({@link io.nvmegate.tls.PskTlsServer}, {@link io.nvmegate.tls.TlsPskSource}). The key formats and derivations are in
 * {@code io.nvmegate.protocol.tls}.
 */
package io.nvmegate.tls;
