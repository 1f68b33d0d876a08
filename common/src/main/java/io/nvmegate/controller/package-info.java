/**
 * The NVMe-oF controller core's data model (nvmet core.c): the request ({@link io.nvmegate.controller.NvmeRequest},
 * nvmet's {@code struct nvmet_req}) with its one completion path, which fills the CQE and records failures in the
 * Error Information log with their Parameter Error Location ({@link io.nvmegate.controller.ErrorLocation});
 * controllers of the dynamic model and their registry, queues, subsystems, the command-set SPI
 * ({@link io.nvmegate.controller.CommandSet}), the controller properties' state machine
 * ({@link io.nvmegate.controller.ControllerRegisters}), feature values, keep-alive, Asynchronous Event Requests,
 * the Error Information / SMART / Changed Namespace List state, and the transport limits
 * ({@link io.nvmegate.controller.TransportConfig}). Depends on {@code io.nvmegate.protocol} only: the commands that
 * act on this state are in {@code io.nvmegate.fabrics} and {@code io.nvmegate.admin}.
 */
package io.nvmegate.controller;
