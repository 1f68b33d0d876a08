package io.nvmegate.gateway.ana;

import io.nvmegate.ana.AnaState;
import io.nvmegate.ana.GatewayLease;
import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.controller.Controller;
import io.nvmegate.controller.StatusException;
import io.nvmegate.protocol.Status;

/**
 * The ANA check of every I/O and reservation command before it is forwarded to a block worker (NVMe Base 2.0
 * section 8.1.3; nvmet's {@code nvmet_check_ana_state}), after the NSID is found and before anything else:
 * <ul>
 *   <li>this gateway's lease is not valid, or the command's controller was created before the last lease lapse
 *       ({@link GatewayLease#lapsedAtNanos()} against {@code Controller#createdNanos()}: the host may have retried
 *       the command elsewhere while this gateway was paused) → Asymmetric Access Inaccessible (SCT 3h, SC 02h);</li>
 *   <li>the namespace's group is {@link AnaState#INACCESSIBLE} on this gateway → Asymmetric Access Inaccessible;
 *       {@link AnaState#PERSISTENT_LOSS} → Asymmetric Access Persistent Loss (SCT 3h, SC 01h; never reported);
 *       {@link AnaState#CHANGE} → Asymmetric Access Transition (SCT 3h, SC 03h).</li>
 * </ul>
 * Never with DNR: these are path statuses, and the Linux host retries them on another path
 * ({@code nvme_failover_req}) instead of failing the I/O.
 */
public final class AnaGate {
    private final AnaStates states;
    private final GatewayLease lease;

    public AnaGate(AnaStates states) {
        this.states = states;
        this.lease = states.lease();
    }

    /** @throws StatusException the path status of namespace {@code ns} on controller {@code c}, if it cannot serve */
    public void check(Controller c, NamespaceSpec ns) throws StatusException {
        checkLease(c);
        int status = status(states.state(ns.subsystemNqn(), ns.anaGroup()));
        if (status != Status.SUCCESS) throw new StatusException(status);
    }

    /** The check of a command for every namespace (Flush of NSID FFFFFFFFh): each enabled namespace's group. */
    public void checkAll(Controller c, CatalogView catalog) throws StatusException {
        checkLease(c);
        for (NamespaceSpec ns : catalog.current().namespaces(c.subsystem().nqn())) {
            if (ns.enabled()) check(c, ns);
        }
    }

    private void checkLease(Controller c) throws StatusException {
        long lapsed = lease.lapsedAtNanos();
        if (!lease.valid() || (lapsed != Long.MIN_VALUE && c.createdNanos() - lapsed <= 0)) {
            throw new StatusException(Status.ANA_INACCESSIBLE);
        }
    }

    /** @return the status of a command on a path in {@code state}: SUCCESS where it serves */
    public static int status(AnaState state) {
        return switch (state) {
            case OPTIMIZED, NON_OPTIMIZED -> Status.SUCCESS;
            case INACCESSIBLE -> Status.ANA_INACCESSIBLE;
            case PERSISTENT_LOSS -> Status.ANA_PERSISTENT_LOSS;
            case CHANGE -> Status.ANA_TRANSITION;
        };
    }
}
