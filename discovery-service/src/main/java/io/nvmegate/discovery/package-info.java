/**
 * Discovery (NVMe-oF 1.1 section 5; nvmet discovery.c): the discovery controller's command set
 * ({@link io.nvmegate.discovery.DiscoveryCommandSet}: the shared admin commands with CNTRLTYPE 2 and the Discovery
 * log page 70h, {@link io.nvmegate.discovery.DiscoveryLogPage}), Discovery Log Page Change notices
 * ({@link io.nvmegate.discovery.DiscoveryNotices}) and the standalone discovery service
 * ({@link io.nvmegate.discovery.DiscoveryService}). Gateways serve the same command set on their ports.
 */
package io.nvmegate.discovery;
