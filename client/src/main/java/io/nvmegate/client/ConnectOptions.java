package io.nvmegate.client;

import io.nvmegate.protocol.Opcodes;
import io.nvmegate.protocol.auth.DhGroup;
import io.nvmegate.protocol.auth.DhchapHash;
import io.nvmegate.protocol.auth.DhchapSecret;
import io.nvmegate.protocol.tls.ConfiguredPsk;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * How to connect to an NVMe/TCP controller. Immutable; build with {@link #builder(String, int)}.
 *
 * <pre>{@code
 * ConnectOptions o = ConnectOptions.builder("127.0.0.1", 4420)
 *         .subsystemNqn("nqn.2024-01.io.nvmegate:disk1")
 *         .ioQueues(2).ioQueueSize(128).headerDigest(true)
 *         .build();
 * }</pre>
 *
 * <p>Defaults: port 4420, host ID a random UUID, host NQN {@code nqn.2014-08.org.nvmexpress:uuid:<host ID>}, 1 I/O
 * queue of 128 entries, KATO 10000 ms, no digests, connect timeout 10 s, command timeout 30 s, SQ flow control on.
 * The subsystem NQN has no default for {@link NvmeTcpHost#connect}; {@link NvmeTcpHost#discover} uses the
 * well-known discovery NQN when none is set.
 *
 * <p>In-band authentication (DH-HMAC-CHAP, NVMe Base 2.x section 8.3.4.5): with {@link Builder#dhchapSecret} set, a
 * queue whose Connect response has AUTHREQ.ATR authenticates before any other command, as the Linux host does with
 * {@code nvme connect --dhchap-secret}; with {@link Builder#dhchapCtrlSecret} too, the host also authenticates the
 * controller ({@code --dhchap-ctrl-secret}, bidirectional). Every hash and DH group is offered unless narrowed with
 * {@link Builder#dhchapHashes}/{@link Builder#dhchapGroups}. Secrets are checked (format, CRC) by {@link
 * Builder#build()} and never appear in {@link #toString()}.
 */
public final class ConnectOptions {
    /** Admin queue size used by this host, as the Linux host does (NVME_AQ_DEPTH): SQSIZE 31 in Connect. */
    public static final int ADMIN_QUEUE_SIZE = 32;
    /** Prefix of a UUID-based host NQN (NVMe Base 2.0 section 4.5). */
    public static final String UUID_NQN_PREFIX = "nqn.2014-08.org.nvmexpress:uuid:";

    private final String address;
    private final int port;
    private final String subsystemNqn;
    private final String hostNqn;
    private final UUID hostId;
    private final int ioQueues;
    private final int ioQueueSize;
    private final int keepAliveTimeoutMs;
    private final boolean headerDigest;
    private final boolean dataDigest;
    private final int connectTimeoutMs;
    private final int commandTimeoutMs;
    private final int shutdownTimeoutMs;
    private final boolean disableSqFlowControl;
    private final int maxPduLength;
    private final DhchapSecret dhchapSecret;
    private final DhchapSecret dhchapCtrlSecret;
    private final List<DhchapHash> dhchapHashes;
    private final List<DhGroup> dhchapGroups;
    private final ConfiguredPsk tlsPsk;
    private final int tlsIdentityVersion;

    private ConnectOptions(Builder b) {
        this.address = Objects.requireNonNull(b.address, "address");
        this.port = b.port;
        this.subsystemNqn = b.subsystemNqn;
        this.hostId = b.hostId != null ? b.hostId : UUID.randomUUID();
        this.hostNqn = b.hostNqn != null ? b.hostNqn : UUID_NQN_PREFIX + hostId;
        this.ioQueues = b.ioQueues;
        this.ioQueueSize = b.ioQueueSize;
        this.keepAliveTimeoutMs = b.keepAliveTimeoutMs;
        this.headerDigest = b.headerDigest;
        this.dataDigest = b.dataDigest;
        this.connectTimeoutMs = b.connectTimeoutMs;
        this.commandTimeoutMs = b.commandTimeoutMs;
        this.shutdownTimeoutMs = b.shutdownTimeoutMs;
        this.disableSqFlowControl = b.disableSqFlowControl;
        this.maxPduLength = b.maxPduLength;
        this.dhchapSecret = b.dhchapSecret == null ? null : DhchapSecret.parse(b.dhchapSecret);
        this.dhchapCtrlSecret = b.dhchapCtrlSecret == null ? null : DhchapSecret.parse(b.dhchapCtrlSecret);
        this.dhchapHashes = List.copyOf(b.dhchapHashes);
        this.dhchapGroups = List.copyOf(b.dhchapGroups);
        if (dhchapCtrlSecret != null && dhchapSecret == null) throw new IllegalArgumentException("dhchapCtrlSecret needs a dhchapSecret");
        if (dhchapHashes.isEmpty() || dhchapGroups.isEmpty()) throw new IllegalArgumentException("offer at least one DH-HMAC-CHAP hash and group");
        this.tlsPsk = b.tlsPsk == null ? null : ConfiguredPsk.parse(b.tlsPsk);
        this.tlsIdentityVersion = b.tlsIdentityVersion;
        if (tlsIdentityVersion != 0 && tlsIdentityVersion != 1) throw new IllegalArgumentException("tlsIdentityVersion " + tlsIdentityVersion + " (0 or 1)");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port);
        if (ioQueues < 0 || ioQueues > 65534) throw new IllegalArgumentException("ioQueues " + ioQueues);
        if (ioQueueSize < 2 || ioQueueSize > 65536) throw new IllegalArgumentException("ioQueueSize " + ioQueueSize + " (2..65536)");
        if (keepAliveTimeoutMs < 0) throw new IllegalArgumentException("keepAliveTimeoutMs " + keepAliveTimeoutMs);
        if (connectTimeoutMs <= 0 || commandTimeoutMs <= 0 || shutdownTimeoutMs < 0) throw new IllegalArgumentException("timeouts must be > 0");
        if (maxPduLength < 4096 + 128) throw new IllegalArgumentException("maxPduLength " + maxPduLength);
        checkNqn("hostNqn", hostNqn);
        if (subsystemNqn != null) checkNqn("subsystemNqn", subsystemNqn);
    }

    private static void checkNqn(String what, String nqn) {
        if (nqn.isEmpty() || nqn.length() > 223 || !nqn.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException(what + " '" + nqn + "' is not a valid NQN (1..223 printable ASCII bytes)");
        }
    }

    public static Builder builder(String address, int port) {
        return new Builder().address(address).port(port);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.address = address;
        b.port = port;
        b.subsystemNqn = subsystemNqn;
        b.hostNqn = hostNqn;
        b.hostId = hostId;
        b.ioQueues = ioQueues;
        b.ioQueueSize = ioQueueSize;
        b.keepAliveTimeoutMs = keepAliveTimeoutMs;
        b.headerDigest = headerDigest;
        b.dataDigest = dataDigest;
        b.connectTimeoutMs = connectTimeoutMs;
        b.commandTimeoutMs = commandTimeoutMs;
        b.shutdownTimeoutMs = shutdownTimeoutMs;
        b.disableSqFlowControl = disableSqFlowControl;
        b.maxPduLength = maxPduLength;
        b.dhchapSecret = dhchapSecret == null ? null : dhchapSecret.format();
        b.dhchapCtrlSecret = dhchapCtrlSecret == null ? null : dhchapCtrlSecret.format();
        b.dhchapHashes = dhchapHashes;
        b.dhchapGroups = dhchapGroups;
        b.tlsPsk = tlsPsk == null ? null : tlsPsk.encode();
        b.tlsIdentityVersion = tlsIdentityVersion;
        return b;
    }

    /** Host name or IP address of the controller's port. */
    public String address() { return address; }
    /** TCP port (4420 for I/O, 8009 for discovery by convention). */
    public int port() { return port; }
    /** SUBNQN sent in Connect, or null if not set. */
    public String subsystemNqn() { return subsystemNqn; }
    /** HOSTNQN sent in Connect. */
    public String hostNqn() { return hostNqn; }
    /** HOSTID sent in Connect (16 bytes, in UUID text order). */
    public UUID hostId() { return hostId; }
    /** Number of I/O queues (one TCP connection each) to create; 0 for admin only. */
    public int ioQueues() { return ioQueues; }
    /** Entries per I/O queue (Connect SQSIZE = this - 1, clamped to CAP.MQES+1 and MAXCMD); at most size-1 commands are outstanding. */
    public int ioQueueSize() { return ioQueueSize; }
    /** Keep Alive Timeout in ms sent in the admin Connect (KATO); 0 = no keep alive. */
    public int keepAliveTimeoutMs() { return keepAliveTimeoutMs; }
    /** Request header digests (HDGST) in ICReq. */
    public boolean headerDigest() { return headerDigest; }
    /** Request data digests (DDGST) in ICReq. */
    public boolean dataDigest() { return dataDigest; }
    /** TCP connect, ICResp and Connect command timeout, ms; also bounds the wait for CSTS.RDY beyond CAP.TO. */
    public int connectTimeoutMs() { return connectTimeoutMs; }
    /** Timeout of every other command except Asynchronous Event Requests, ms. */
    public int commandTimeoutMs() { return commandTimeoutMs; }
    /** How long {@link NvmeController#close()} waits for CSTS.SHST = 2 (shutdown complete), ms. */
    public int shutdownTimeoutMs() { return shutdownTimeoutMs; }
    /** Set CATTR bit 2 (disable SQ flow control) in Connect, allowing the controller to complete reads with the C2HData SUCCESS flag. */
    public boolean disableSqFlowControl() { return disableSqFlowControl; }
    /** Largest PDU (PLEN) accepted from the controller, bytes; bounds a single C2HData. */
    public int maxPduLength() { return maxPduLength; }
    /** The host's DH-HMAC-CHAP secret ({@code nvme connect --dhchap-secret}), or null: the host cannot authenticate. */
    public DhchapSecret dhchapSecret() { return dhchapSecret; }
    /** The controller's secret for bidirectional authentication ({@code --dhchap-ctrl-secret}), or null. */
    public DhchapSecret dhchapCtrlSecret() { return dhchapCtrlSecret; }
    /** Hashes offered in AUTH_Negotiate, in order of preference (default: SHA-256, SHA-384, SHA-512). */
    public List<DhchapHash> dhchapHashes() { return dhchapHashes; }
    /** DH groups offered in AUTH_Negotiate (default: NULL, ffdhe2048 .. ffdhe8192). */
    public List<DhGroup> dhchapGroups() { return dhchapGroups; }
    /** Configured PSK of the TLS 1.3 secure channel (every queue runs TLS before ICReq), or null for plaintext. */
    public ConfiguredPsk tlsPsk() { return tlsPsk; }
    /** PSK identity version: 1 ({@code NVMe1R<hh> <hostnqn> <subnqn> <digest>}, default) or 0 ({@code NVMe0R<hh> <hostnqn> <subnqn>}, the Linux host's). */
    public int tlsIdentityVersion() { return tlsIdentityVersion; }

    @Override
    public String toString() {
        return "ConnectOptions[" + address + ":" + port + " subnqn=" + subsystemNqn + " hostnqn=" + hostNqn
                + " ioQueues=" + ioQueues + "x" + ioQueueSize + " kato=" + keepAliveTimeoutMs + "ms hdgst=" + headerDigest
                + " ddgst=" + dataDigest + (dhchapSecret != null ? " dhchap=" + (dhchapCtrlSecret != null ? "bidirectional" : "host") : "")
                + (tlsPsk != null ? " tls" : "") + "]";
    }

    /** Builder for {@link ConnectOptions}. */
    public static final class Builder {
        private String address;
        private int port = 4420;
        private String subsystemNqn;
        private String hostNqn;
        private UUID hostId;
        private int ioQueues = 1;
        private int ioQueueSize = 128;
        private int keepAliveTimeoutMs = 10_000;
        private boolean headerDigest;
        private boolean dataDigest;
        private int connectTimeoutMs = 10_000;
        private int commandTimeoutMs = 30_000;
        private int shutdownTimeoutMs = 5_000;
        private boolean disableSqFlowControl;
        private int maxPduLength = 64 * 1024 * 1024 + 4096;
        private String dhchapSecret;
        private String dhchapCtrlSecret;
        private List<DhchapHash> dhchapHashes = DhchapHost.ALL_HASHES;
        private List<DhGroup> dhchapGroups = DhchapHost.ALL_GROUPS;
        private String tlsPsk;
        private int tlsIdentityVersion = 1;

        private Builder() {}

        public Builder address(String v) { address = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder subsystemNqn(String v) { subsystemNqn = v; return this; }
        /** Connect to the well-known discovery subsystem ({@link Opcodes#DISCOVERY_NQN}). */
        public Builder discoverySubsystem() { subsystemNqn = Opcodes.DISCOVERY_NQN; return this; }
        public Builder hostNqn(String v) { hostNqn = v; return this; }
        public Builder hostId(UUID v) { hostId = v; return this; }
        public Builder ioQueues(int v) { ioQueues = v; return this; }
        public Builder ioQueueSize(int v) { ioQueueSize = v; return this; }
        public Builder keepAliveTimeoutMs(int v) { keepAliveTimeoutMs = v; return this; }
        public Builder headerDigest(boolean v) { headerDigest = v; return this; }
        public Builder dataDigest(boolean v) { dataDigest = v; return this; }
        public Builder connectTimeoutMs(int v) { connectTimeoutMs = v; return this; }
        public Builder commandTimeoutMs(int v) { commandTimeoutMs = v; return this; }
        public Builder shutdownTimeoutMs(int v) { shutdownTimeoutMs = v; return this; }
        public Builder disableSqFlowControl(boolean v) { disableSqFlowControl = v; return this; }
        public Builder maxPduLength(int v) { maxPduLength = v; return this; }
        /** The host's DH-HMAC-CHAP secret, {@code DHHC-1:hh:<base64>:} (null: none). */
        public Builder dhchapSecret(String v) { dhchapSecret = v; return this; }
        /** The controller's secret: the host also authenticates the controller (null: unidirectional). */
        public Builder dhchapCtrlSecret(String v) { dhchapCtrlSecret = v; return this; }
        /** Hashes to offer, in order of preference. */
        public Builder dhchapHashes(List<DhchapHash> v) { dhchapHashes = v; return this; }
        /** DH groups to offer. */
        public Builder dhchapGroups(List<DhGroup> v) { dhchapGroups = v; return this; }
        /**
         * Use the NVMe/TCP secure channel: TLS 1.3 with the PSK derived from {@code interchangeKey}
         * ({@code NVMeTLSkey-1:<hh>:<base64>:}, as {@code nvme gen-tls-key} prints it) for this host and subsystem;
         * null for plaintext. {@link #build()} rejects a malformed key (the message never contains it).
         */
        public Builder tlsPsk(String interchangeKey) { tlsPsk = interchangeKey; return this; }
        /** PSK identity version, 0 or 1 (default 1; see {@link ConnectOptions#tlsIdentityVersion()}). */
        public Builder tlsIdentityVersion(int v) { tlsIdentityVersion = v; return this; }

        /** @throws IllegalArgumentException if a value is out of range, an NQN is malformed or a secret does not parse */
        public ConnectOptions build() { return new ConnectOptions(this); }
    }
}
