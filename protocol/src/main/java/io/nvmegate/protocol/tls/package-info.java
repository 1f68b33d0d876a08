/**
 * The pure parts of the NVMe/TCP secure channel (NVMe/TCP 1.1 section 3.6, formerly TP 8011): the PSK interchange
 * format ({@link io.nvmegate.protocol.tls.ConfiguredPsk}), the PSK identity strings
 * ({@link io.nvmegate.protocol.tls.PskIdentity}), the retained PSK, PSK digest and TLS PSK derivations
 * ({@link io.nvmegate.protocol.tls.TlsPskDerivation}), and the per-port TREQ setting
 * ({@link io.nvmegate.protocol.tls.SecureChannel}). No TLS here: the TLS 1.3 record layer and handshake are Bouncy
 * Castle's (common {@code io.nvmegate.tls}, client).
 */
package io.nvmegate.protocol.tls;
