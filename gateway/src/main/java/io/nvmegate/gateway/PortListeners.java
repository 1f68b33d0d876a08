package io.nvmegate.gateway;

import io.nvmegate.catalog.CatalogView;
import io.nvmegate.catalog.PortSpec;
import io.nvmegate.fabrics.FabricsConnect;
import io.nvmegate.tls.TlsPolicy;
import io.nvmegate.tls.TlsPskSource;
import io.nvmegate.transport.NvmeTcpServer;
import io.nvmegate.controller.TransportConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The NVMe/TCP listeners of one gateway, kept equal to the catalog: one per port the gateway serves
 * ({@link PortSpec#servedBy}), none while the target is disabled (global {@code enabled=false}). A port that
 * appears starts listening, one that disappears or moves (other address or service ID) is closed — which also
 * closes the connections accepted on it, so its hosts see their controllers go — and reopened where it moved.
 */
final class PortListeners {
    private static final Logger log = LoggerFactory.getLogger(PortListeners.class);

    private record Listener(PortSpec spec, NvmeTcpServer server) {}

    private final Vertx vertx;
    private final String gatewayId;
    private final TransportConfig transport;
    private final Function<PortSpec, FabricsConnect> connect;
    private final Function<PortSpec, TlsPskSource> psks;
    private final Map<Integer, Listener> listeners = new LinkedHashMap<>();
    private boolean stopped;

    PortListeners(Vertx vertx, String gatewayId, TransportConfig transport, Function<PortSpec, FabricsConnect> connect) {
        this(vertx, gatewayId, transport, connect, p -> TlsPskSource.NONE);
    }

    /** @param psks where a port's listener finds the TLS PSKs of its hosts (used when the port's treq offers TLS) */
    PortListeners(Vertx vertx, String gatewayId, TransportConfig transport, Function<PortSpec, FabricsConnect> connect,
                  Function<PortSpec, TlsPskSource> psks) {
        this.psks = psks;
        this.vertx = vertx;
        this.gatewayId = gatewayId;
        this.transport = transport;
        this.connect = connect;
    }

    /** @return the servers listening now */
    synchronized List<NvmeTcpServer> servers() {
        return listeners.values().stream().map(Listener::server).toList();
    }

    /**
     * The catalog port whose listener accepts connections to {@code localHost:localPort} (the local end of a
     * connection; a wildcard listener matches every address).
     *
     * @return the port ID, empty when no listener of this gateway serves that address now (port deleted, moved,
     * handed to another gateway, or the target disabled)
     */
    synchronized OptionalInt portOf(String localHost, int localPort) {
        for (Listener l : listeners.values()) {
            if (l.server().actualPort() == localPort && (l.spec().wildcard() || sameAddress(l.spec().traddr(), localHost))) {
                return OptionalInt.of(l.spec().id());
            }
        }
        return OptionalInt.empty();
    }

    /**
     * @return true when the listener of port {@code id} stays open for the catalog's {@code want} (the port as
     * the new catalog has it; null: deleted), i.e. the next {@link #reconcile} keeps it and its connections
     */
    synchronized boolean keeps(int id, PortSpec want, boolean enabled) {
        Listener l = listeners.get(id);
        return l != null && enabled && want != null && want.servedBy(gatewayId) && stays(l.spec(), want);
    }

    /**
     * A listener opened for {@code have} serves {@code want} unchanged: same address, service ID, limits and secure
     * channel (a changed treq reopens the listener, so no plaintext connection outlives a switch to required).
     */
    private static boolean stays(PortSpec have, PortSpec want) {
        return want != null && want.traddr().equals(have.traddr()) && want.trsvcid() == have.trsvcid()
                && want.inCapsuleDataSize() == have.inCapsuleDataSize() && want.maxQueueSize() == have.maxQueueSize()
                && want.treq().equals(have.treq());
    }

    /** Address literals compared as addresses ({@code ::1} and {@code 0:0:0:0:0:0:0:1} are one). */
    private static boolean sameAddress(String a, String b) {
        if (a.equals(b)) return true;
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Opens and closes listeners so they match {@code snap} (and {@code enabled}).
     *
     * @return completes when the listeners opened by this call listen (fails if one cannot)
     */
    synchronized Future<Void> reconcile(CatalogView.Snapshot snap, boolean enabled) {
        if (stopped) return Future.succeededFuture();
        Map<Integer, PortSpec> desired = new LinkedHashMap<>();
        if (enabled) {
            for (PortSpec p : snap.ports()) if (p.servedBy(gatewayId)) desired.put(p.id(), p);
        }
        for (Listener l : List.copyOf(listeners.values())) {
            PortSpec want = desired.get(l.spec().id());
            if (stays(l.spec(), want)) continue;
            listeners.remove(l.spec().id());
            log.info("gateway {}: port {} ({}:{}) {}", gatewayId, l.spec().id(), l.spec().traddr(), l.spec().trsvcid(),
                    want == null ? (enabled ? "removed" : "stopped: target disabled") : "moved");
            l.server().close();
        }
        List<Future<NvmeTcpServer>> started = new ArrayList<>();
        for (PortSpec p : desired.values()) {
            if (listeners.containsKey(p.id())) continue;
            NvmeTcpServer s = new NvmeTcpServer(vertx, p.traddr(), p.trsvcid(), transport(p, transport), connect.apply(p),
                    new TlsPolicy(p.secureChannel(), psks.apply(p)));
            listeners.put(p.id(), new Listener(p, s));
            started.add(s.listen().onFailure(e -> forget(p.id(), s, e)));
        }
        return Future.all(started).mapEmpty();
    }

    private synchronized void forget(int id, NvmeTcpServer s, Throwable e) {
        log.error("gateway {}: port {} cannot listen on {}: {}", gatewayId, id, s.host(), e.toString());
        Listener l = listeners.get(id);
        if (l != null && l.server() == s) listeners.remove(id); // tried again on the next catalog change
    }

    /** Closes every listener; later catalog changes are ignored. */
    synchronized Future<Void> stop() {
        stopped = true;
        List<Future<Void>> closed = new ArrayList<>();
        for (Listener l : listeners.values()) closed.add(l.server().close());
        listeners.clear();
        return Future.all(closed).mapEmpty();
    }

    /** @return {@code base} with port {@code p}'s in-capsule data size and queue size where the port sets them. */
    static TransportConfig transport(PortSpec p, TransportConfig base) {
        int icd = p.inCapsuleDataSize() > 0 ? p.inCapsuleDataSize() : base.inCapsuleDataSize();
        int qs = p.maxQueueSize() > 0 ? p.maxQueueSize() : base.maxQueueSize();
        return new TransportConfig(base.maxH2CData(), icd, base.mdtsBytes(), qs,
                base.c2hChunk(), base.maxIoQueues(), Math.min(base.maxAdminQueueSize(), qs),
                base.maxControllersPerSubsystem(), base.maxConnections());
    }
}
