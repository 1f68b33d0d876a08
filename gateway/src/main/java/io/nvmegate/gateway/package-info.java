/**
 * The I/O gateway: NVMe/TCP listeners for the catalog's ports ({@code PortListeners}), access enforcement on
 * catalog changes ({@code HostAccess}), and the NVM I/O controller's command set
 * ({@link io.nvmegate.gateway.NvmCommandSet}), a thin composition of the packages below, one per spec concept.
 */
package io.nvmegate.gateway;
