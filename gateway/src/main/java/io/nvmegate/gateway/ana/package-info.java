/**
 * Asymmetric Namespace Access (NVMe Base 2.0 section 8.1) on a gateway: the state of every ANA group on this
 * gateway ({@link io.nvmegate.gateway.ana.AnaStates}, by {@link io.nvmegate.ana.AnaStateRule} from the gateway's
 * lease, the owner map and {@link io.nvmegate.gateway.ana.StorageAvailability}), the ANA log page (LID 0Ch,
 * {@link io.nvmegate.gateway.ana.AnaLog}), the ANA fields of Identify Controller and Identify Namespace
 * ({@link io.nvmegate.gateway.ana.AnaIdentify}), ANA Change notices ({@link io.nvmegate.gateway.ana.AnaNotices}),
 * the path check of I/O commands ({@link io.nvmegate.gateway.ana.AnaGate}) and the meters
 * ({@link io.nvmegate.gateway.ana.AnaMetrics}). Outside a cluster (no owner entries, a lease that never lapses)
 * every group is optimized on every controller.
 */
package io.nvmegate.gateway.ana;
