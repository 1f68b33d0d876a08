package io.nvmegate.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The fields each resource accepts and their JSON types, checked before the record parsers run, so a request
 * with an unknown field or a wrong type is answered 400 naming that field.
 */
enum FieldTypes {
    STRING, INT, BOOL, STRINGS, SIZE;

    static final Map<String, FieldTypes> GLOBAL = Map.of("enabled", BOOL, "baseNqn", STRING, "ana", BOOL,
            "crossPortReferrals", BOOL, "requireAuth", BOOL);
    static final Map<String, FieldTypes> SUBSYSTEM = Map.of("nqn", STRING, "name", STRING, "serial", STRING,
            "model", STRING, "firmware", STRING, "allowAnyHost", BOOL, "hosts", STRINGS, "ieeeOui", STRING, "maxNamespaces", INT,
            "requireAuth", BOOL);
    static final Map<String, FieldTypes> NAMESPACE = Map.ofEntries(Map.entry("subsystem", STRING), Map.entry("nsid", INT),
            Map.entry("uuid", STRING), Map.entry("size", SIZE), Map.entry("blockSize", INT), Map.entry("backend", STRING),
            Map.entry("worker", STRING), Map.entry("enabled", BOOL), Map.entry("anaGroup", INT),
            Map.entry("replicationFactor", INT), Map.entry("replicas", STRINGS));
    static final Map<String, FieldTypes> MOVE_REPLICA = Map.of("from", STRING, "to", STRING);
    static final Map<String, FieldTypes> ANA_MOVE = Map.of("to", STRING);
    static final Map<String, FieldTypes> PORT = Map.ofEntries(Map.entry("id", INT), Map.entry("trtype", STRING),
            Map.entry("adrfam", STRING), Map.entry("traddr", STRING), Map.entry("trsvcid", INT),
            Map.entry("advertisedAddress", STRING), Map.entry("gateway", STRING), Map.entry("subsystems", STRINGS),
            Map.entry("inCapsuleDataSize", INT), Map.entry("maxQueueSize", INT), Map.entry("treq", STRING));
    static final Map<String, FieldTypes> HOST = Map.of("nqn", STRING, "dhchapKey", STRING, "dhchapCtrlKey", STRING,
            "hash", STRING, "dhGroup", STRING, "tlsPsk", STRING);
    static final Map<String, FieldTypes> REFERRAL = Map.of("id", INT, "trtype", STRING, "adrfam", STRING,
            "traddr", STRING, "trsvcid", INT, "portId", INT);
    static final Map<String, FieldTypes> LINK_SUBSYSTEM = Map.of("nqn", STRING);
    static final Map<String, FieldTypes> LINK_HOST = Map.of("host", STRING);
    static final Map<String, FieldTypes> KEY = Map.of("hash", STRING, "length", INT, "hostNqn", STRING);

    /** @throws ApiException 400 naming the first unknown or mistyped field; null values count as absent */
    static void check(JsonObject body, Map<String, FieldTypes> schema) {
        for (String name : body.fieldNames()) {
            FieldTypes t = schema.get(name);
            if (t == null) throw ApiException.invalid(name, "unknown field '" + name + "' (accepted: " + String.join(", ", new java.util.TreeSet<>(schema.keySet())) + ")");
            Object v = body.getValue(name);
            if (v == null) continue;
            boolean ok = switch (t) {
                case STRING -> v instanceof String;
                case BOOL -> v instanceof Boolean;
                case INT -> (v instanceof Integer || v instanceof Long) && Math.abs(((Number) v).longValue()) <= 0xFFFFFFFFL;
                case SIZE -> v instanceof String || v instanceof Integer || v instanceof Long;
                case STRINGS -> v instanceof JsonArray a && a.stream().allMatch(e -> e instanceof String);
            };
            if (!ok) throw ApiException.invalid(name, "field '" + name + "' must be " + switch (t) {
                case STRING -> "a string";
                case BOOL -> "true or false";
                case INT -> "an integer (0..4294967295)";
                case SIZE -> "a number of bytes or a string such as \"1G\"";
                case STRINGS -> "an array of strings";
            });
        }
    }

    /** @return {@code body} without null-valued fields (null means "default"). */
    static JsonObject withoutNulls(JsonObject body) {
        JsonObject j = new JsonObject();
        body.forEach(e -> { if (e.getValue() != null) j.put(e.getKey(), e.getValue()); });
        return j;
    }
}
