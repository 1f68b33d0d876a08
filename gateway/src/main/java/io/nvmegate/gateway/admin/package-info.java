/**
 * NVM admin commands of an I/O controller (NVMe Base 2.0 section 5 for the NVM command set; nvmet admin-cmd.c):
 * Identify Controller's I/O controller fields and Identify CNS 00h/02h/03h/05h/06h
 * ({@link io.nvmegate.gateway.admin.NvmIdentify}, {@link io.nvmegate.gateway.admin.NamespaceIdentify}), the log
 * pages (Supported, Error, SMART, Firmware Slot, Changed Namespace List, Commands Supported and Effects:
 * {@link io.nvmegate.gateway.admin.NvmLogPages}, {@link io.nvmegate.gateway.admin.CommandEffects}) and Namespace
 * Attribute Changed notices ({@link io.nvmegate.gateway.admin.NamespaceNotices}). Uses {@code gateway.ana} and
 * {@code gateway.reservation} for their fields and log pages.
 */
package io.nvmegate.gateway.admin;
