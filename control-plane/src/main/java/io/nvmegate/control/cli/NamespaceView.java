package io.nvmegate.control.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of {@code ctl ns show}: the namespace's fields, then its replication (leader, term, commit index, under
 * replication) and one row per replica with role, match index, lag (entries, bytes) and state.
 */
final class NamespaceView {
    private NamespaceView() {}

    static String render(JsonObject ns) {
        JsonObject fields = ns.copy();
        JsonObject rep = (JsonObject) fields.remove("replication");
        StringBuilder b = new StringBuilder(Connection.Tables.render(fields)).append('\n');
        if (rep == null) return b.append("replication       none (replicationFactor 1: served directly by ")
                .append(ns.getString("worker")).append(')').toString();
        String state = rep.getString("state", "ok");
        b.append('\n');
        if (!"ok".equals(state)) {
            b.append(String.format("%-13s %s%n", "leader", state.equals("unplaced") ? "- (not placed yet: waiting for enough live workers)"
                    : "- (no leader: no status published in the last 5 s)"));
            return b.toString().stripTrailing();
        }
        b.append(String.format("%-13s %s%n", "leader", rep.getString("leader")));
        b.append(String.format("%-13s %s%n", "term", rep.getLong("term")));
        b.append(String.format("%-13s %s%n", "commit index", rep.getLong("commitIndex")));
        b.append('\n');
        JsonArray rows = new JsonArray();
        for (Object o : rep.getJsonArray("replicas", new JsonArray())) {
            JsonObject r = (JsonObject) o;
            rows.add(new JsonObject().put("replica", r.getString("worker")).put("role", r.getString("role"))
                    .put("matchIndex", r.getLong("matchIndex")).put("lagEntries", r.getLong("lagEntries"))
                    .put("lagBytes", r.getLong("lagBytes")).put("state", r.getString("state")));
        }
        List<String> missing = new ArrayList<>();
        for (Object w : ns.getJsonArray("replicas", new JsonArray())) {
            if (rows.stream().noneMatch(r -> w.equals(((JsonObject) r).getString("replica")))) missing.add((String) w);
        }
        for (String w : missing) {
            rows.add(new JsonObject().put("replica", w).put("role", "-").put("matchIndex", null).put("lagEntries", null)
                    .put("lagBytes", null).put("state", "not in the group yet"));
        }
        return b.append(Connection.Tables.render(rows)).toString().stripTrailing();
    }
}
