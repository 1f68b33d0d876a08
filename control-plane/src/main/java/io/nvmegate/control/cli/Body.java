package io.nvmegate.control.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** Builds request bodies from command-line options: options not given (null) are left out. */
final class Body {
    private Body() {}

    /** @param kv field name, value, field name, value, ... */
    static JsonObject of(Object... kv) {
        JsonObject j = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            if (v == null) continue;
            if (v instanceof List<?> l) {
                if (l.isEmpty()) continue;
                v = new JsonArray(l);
            }
            j.put((String) kv[i], v);
        }
        return j;
    }
}
