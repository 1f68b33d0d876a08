/**
 * Asymmetric Namespace Access (NVMe Base 2.0 section 8.1): the ANA log page (LID 0Ch,
 * {@link io.nvmegate.gateway.ana.AnaLog}), the ANA fields of Identify Controller and Identify Namespace
 * ({@link io.nvmegate.gateway.ana.AnaIdentify}) and ANA Change notices ({@link io.nvmegate.gateway.ana.AnaNotices}).
 * Every gateway serves every namespace, so every group is reported optimized on every controller.
 */
package io.nvmegate.gateway.ana;
