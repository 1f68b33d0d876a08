/**
 * NVMe over Fabrics commands (NVMe-oF 1.1 section 3; nvmet fabrics-cmd.c) and the command parser: Connect
 * ({@link io.nvmegate.fabrics.FabricsConnect}), Property Get/Set ({@link io.nvmegate.fabrics.Properties}),
 * Disconnect, and {@link io.nvmegate.fabrics.CommandParser}, which picks the handler of every command (nvmet's
 * {@code nvmet_req_init}: Fabrics commands, then admin, then I/O). In-band authentication (Authentication
 * Send/Receive, DH-HMAC-CHAP) belongs here, next to Connect. Depends on {@code io.nvmegate.admin} and
 * {@code io.nvmegate.controller}.
 */
package io.nvmegate.fabrics;
