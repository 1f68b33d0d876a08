/**
 * The admin commands every controller shares (NVMe Base 2.0 section 5; the generic part of nvmet admin-cmd.c):
 * Keep Alive, Asynchronous Event Request, Abort, Identify Controller framing
 * ({@link io.nvmegate.admin.IdentifyControllerData}), Get Log Page framing (LPO/NUMD/RAE:
 * {@link io.nvmegate.admin.LogPageRequest}, {@link io.nvmegate.admin.LogPages}) and Get/Set Features (one
 * definition per feature: {@link io.nvmegate.admin.Features}); {@link io.nvmegate.admin.AdminCommandSet} is how a
 * kind of controller (NVM I/O, discovery) adds its own. Depends on {@code io.nvmegate.controller}.
 */
package io.nvmegate.admin;
