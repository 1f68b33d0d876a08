package io.nvmegate.gateway.io;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.nvmegate.catalog.ReplicationStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Feeds a {@link ReplicaRouter} from the statuses the Raft leaders publish in Hazelcast map
 * {@value ReplicationStatus#MAP} (key namespace UUID, value {@link ReplicationStatus} JSON): an entry listener
 * (added, updated: the leader; removed: forget the namespace) and one reading of the whole map at start, so that
 * the gateway never reads the map per command. Hazelcast calls block: {@link #start} and {@link #stop} run them on a
 * worker thread; the listener runs on Hazelcast's event threads.
 */
public final class ReplicationStatusFeed {
    private static final Logger log = LoggerFactory.getLogger(ReplicationStatusFeed.class);

    private final Vertx vertx;
    private final HazelcastInstance hz;
    private final ReplicaRouter router;
    private volatile UUID registration;

    public ReplicationStatusFeed(Vertx vertx, HazelcastInstance hz, ReplicaRouter router) {
        this.vertx = vertx;
        this.hz = hz;
        this.router = router;
    }

    private final class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> e) { take(e.getKey(), e.getValue()); }

        @Override
        public void entryUpdated(EntryEvent<String, String> e) { take(e.getKey(), e.getValue()); }

        @Override
        public void entryRemoved(EntryEvent<String, String> e) {
            try {
                router.forget(UUID.fromString(e.getKey()));
            } catch (IllegalArgumentException ex) {
                log.debug("ignoring key {} of {}", e.getKey(), ReplicationStatus.MAP);
            }
        }
    }

    /** Registers the listener, then reads the statuses already published. */
    public Future<Void> start() {
        return vertx.executeBlocking(() -> {
            IMap<String, String> m = hz.getMap(ReplicationStatus.MAP);
            registration = m.addEntryListener(new Listener(), true);
            m.forEach(this::take);
            return null;
        }, false);
    }

    public Future<Void> stop() {
        UUID r = registration;
        if (r == null) return Future.succeededFuture();
        registration = null;
        return vertx.executeBlocking(() -> hz.getMap(ReplicationStatus.MAP).removeEntryListener(r), false).mapEmpty();
    }

    private void take(String key, String json) {
        if (json == null) return;
        try {
            router.published(ReplicationStatus.fromJson(new JsonObject(json)));
        } catch (RuntimeException e) { // a malformed status must not stop routing: the hints still work
            log.warn("ignoring a malformed status of namespace {} in {}: {}", key, ReplicationStatus.MAP, e.toString());
        }
    }
}
