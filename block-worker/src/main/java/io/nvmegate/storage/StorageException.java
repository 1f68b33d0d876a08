package io.nvmegate.storage;

/**
 * An unchecked failure of the storage engine (for RocksDB it wraps the {@code RocksDBException}). A block worker
 * answers it with {@code Status.INTERNAL_ERROR}.
 */
public final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
