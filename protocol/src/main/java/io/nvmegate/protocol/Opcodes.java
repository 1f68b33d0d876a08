package io.nvmegate.protocol;

/** Command opcodes (NVMe Base 2.0 Figure 28 admin, NVM Command Set 1.0 Figure 16 I/O, NVMe-oF 1.1 Figure 11). */
public final class Opcodes {
    private Opcodes() {}

    // Admin command set.
    public static final int ADMIN_GET_LOG_PAGE = 0x02;
    public static final int ADMIN_IDENTIFY = 0x06;
    public static final int ADMIN_ABORT = 0x08;
    public static final int ADMIN_SET_FEATURES = 0x09;
    public static final int ADMIN_GET_FEATURES = 0x0A;
    public static final int ADMIN_ASYNC_EVENT_REQUEST = 0x0C;
    public static final int ADMIN_KEEP_ALIVE = 0x18;
    /** Fabrics command; FCTYPE at SQE byte 4. Valid on any queue. */
    public static final int FABRICS = 0x7F;

    // FUSE field (SQE byte 1 bits 1:0), NVMe Base 2.0 section 3.4.2: Compare (first) + Write (second).
    public static final int FUSE_NONE = 0;
    public static final int FUSE_FIRST = 1;
    public static final int FUSE_SECOND = 2;

    // Fabrics command types (FCTYPE).
    public static final int FCTYPE_PROPERTY_SET = 0x00;
    public static final int FCTYPE_CONNECT = 0x01;
    public static final int FCTYPE_PROPERTY_GET = 0x04;
    public static final int FCTYPE_AUTH_SEND = 0x05;
    public static final int FCTYPE_AUTH_RECEIVE = 0x06;
    public static final int FCTYPE_DISCONNECT = 0x08;

    // NVM command set (I/O queues).
    public static final int IO_FLUSH = 0x00;
    public static final int IO_WRITE = 0x01;
    public static final int IO_READ = 0x02;
    public static final int IO_COMPARE = 0x05;
    public static final int IO_WRITE_ZEROES = 0x08;
    public static final int IO_DATASET_MANAGEMENT = 0x09;
    public static final int IO_VERIFY = 0x0C;
    // Reservation commands (NVMe Base 2.0 sections 7.2..7.6).
    public static final int IO_RESERVATION_REGISTER = 0x0D;
    public static final int IO_RESERVATION_REPORT = 0x0E;
    public static final int IO_RESERVATION_ACQUIRE = 0x11;
    public static final int IO_RESERVATION_RELEASE = 0x15;

    // Feature identifiers (NVMe Base 2.0 Figure 271).
    public static final int FEAT_ARBITRATION = 0x01;
    public static final int FEAT_POWER_MANAGEMENT = 0x02;
    public static final int FEAT_TEMPERATURE_THRESHOLD = 0x04;
    public static final int FEAT_ERROR_RECOVERY = 0x05;
    public static final int FEAT_VOLATILE_WRITE_CACHE = 0x06;
    public static final int FEAT_NUMBER_OF_QUEUES = 0x07;
    public static final int FEAT_ASYNC_EVENT_CONFIG = 0x0B;
    public static final int FEAT_KEEP_ALIVE_TIMER = 0x0F;
    public static final int FEAT_HOST_IDENTIFIER = 0x81;
    public static final int FEAT_RESERVATION_NOTIFICATION_MASK = 0x82;
    public static final int FEAT_RESERVATION_PERSISTENCE = 0x83;

    // Log page identifiers.
    public static final int LOG_SUPPORTED = 0x00;
    public static final int LOG_ERROR = 0x01;
    public static final int LOG_SMART = 0x02;
    public static final int LOG_FW_SLOT = 0x03;
    public static final int LOG_CHANGED_NS = 0x04;
    public static final int LOG_CMD_EFFECTS = 0x05;
    public static final int LOG_ANA = 0x0C;
    public static final int LOG_DISCOVERY = 0x70;
    public static final int LOG_RESERVATION_NOTIFICATION = 0x80;

    // Identify CNS values.
    public static final int CNS_NAMESPACE = 0x00;
    public static final int CNS_CONTROLLER = 0x01;
    public static final int CNS_ACTIVE_NS_LIST = 0x02;
    public static final int CNS_NS_DESCRIPTORS = 0x03;
    public static final int CNS_CS_NAMESPACE = 0x05;
    public static final int CNS_CS_CONTROLLER = 0x06;
    public static final int CNS_CS_INDEPENDENT_NS = 0x08;

    /** The well-known discovery subsystem NQN (NVMe-oF 1.1 section 7.2.1). */
    public static final String DISCOVERY_NQN = "nqn.2014-08.org.nvmexpress.discovery";
}
