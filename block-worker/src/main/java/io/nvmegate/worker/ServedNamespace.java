package io.nvmegate.worker;

import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.storage.BlockStore;
import io.nvmegate.storage.StorageBackend;

/**
 * A namespace a block worker serves, bound to its store: the store is chosen from the namespace's backend when
 * the worker starts serving it (or adopts a changed spec), never per request.
 *
 * @param spec    the catalog's namespace
 * @param backend {@code spec.backend()} resolved
 * @param store   the store of that backend (open)
 */
record ServedNamespace(NamespaceSpec spec, StorageBackend backend, BlockStore store) {}
