package io.nvmegate.gateway.ana;

import io.nvmegate.admin.Features;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;

/**
 * Asymmetric Namespace Access Change notices (NVMe Base 2.0 sections 5.2 and 8.1.4): when a namespace of a
 * controller's subsystem changes ANA group (or appears or disappears, which changes its group's membership), the
 * controller reports AEN DW0 {@value #AEN_ANA_CHANGE} (type 2 notice, info 03h, LID 0Ch) if the host enabled it in
 * Asynchronous Event Configuration bit 11; then it stays masked until the host reads the ANA log page with RAE = 0.
 * (The catalog diff that finds such changes: {@code io.nvmegate.gateway.admin.NamespaceNotices}.)
 */
public final class AnaNotices {
    private AnaNotices() {}

    public static final int AEN_ANA_CHANGE = 0x000C0302;
    /** Asynchronous Event Configuration / OAES bit 11. */
    public static final int AEC_ANA_CHANGE = 1 << 11;

    /** @return whether a namespace going from {@code before} to {@code after} (null: inactive) is an ANA change */
    public static boolean changed(NamespaceSpec before, NamespaceSpec after) {
        return before == null || after == null || before.anaGroup() != after.anaGroup();
    }

    /** Reports an ANA change to {@code c} if its host enabled the notice; on the admin queue's context. */
    public static void report(Controller c) {
        if ((Features.asyncEventConfig(c) & AEC_ANA_CHANGE) != 0) c.events().notify(AEN_ANA_CHANGE);
    }
}
