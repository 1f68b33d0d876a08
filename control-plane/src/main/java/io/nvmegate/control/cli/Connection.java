package io.nvmegate.control.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Options every {@code ctl} command shares (API URL, token, output format) and the call-and-print step with the
 * exit codes: {@value #OK} done, {@value #REFUSED} the API refused (4xx/5xx) or a local file could not be written,
 * 2 bad command line (picocli),
 * {@value #UNREACHABLE} the API could not be reached.
 */
public final class Connection {
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int UNREACHABLE = 3;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--api", defaultValue = "${env:NVMEGATE_API:-http://127.0.0.1:8080}",
            description = "Management API URL. Env NVMEGATE_API. Default: ${DEFAULT-VALUE}")
    String api;

    @Option(names = "--token", defaultValue = "${env:NVMEGATE_API_TOKEN}", description = "Bearer token. Env NVMEGATE_API_TOKEN.")
    String token;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    /** Calls the API, prints the answer (table or JSON), and returns the exit code. */
    public int run(Function<ApiClient, Object> call) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Object v = call.apply(new ApiClient(api, token));
            if (v != null) out.println(json ? pretty(v) : Tables.render(v));
            out.flush();
            return OK;
        } catch (ApiClient.Refused e) {
            err.println("error " + e.status + ": " + e.getMessage() + (e.field == null ? "" : " (field: " + e.field + ")"));
            err.flush();
            return REFUSED;
        } catch (java.io.UncheckedIOException e) { // a local file (ctl save --output)
            err.println("error: " + e.getMessage());
            err.flush();
            return REFUSED;
        } catch (ApiClient.Unreachable e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return UNREACHABLE;
        }
    }

    static String pretty(Object v) {
        return v instanceof JsonObject o ? o.encodePrettily() : v instanceof JsonArray a ? a.encodePrettily() : String.valueOf(v);
    }

    /** Plain-text rendering of API answers. */
    static final class Tables {
        private Tables() {}

        static String render(Object v) {
            if (v instanceof JsonArray a) return a.isEmpty() ? "(none)" : a.stream().allMatch(e -> e instanceof JsonObject) ? table(a) : lines(a);
            if (v instanceof JsonObject o) {
                StringBuilder b = new StringBuilder();
                int w = o.fieldNames().stream().mapToInt(String::length).max().orElse(0);
                for (Map.Entry<String, Object> e : o) b.append(String.format("%-" + w + "s  %s%n", e.getKey(), cell(e.getValue())));
                return b.toString().stripTrailing();
            }
            return String.valueOf(v);
        }

        private static String lines(JsonArray a) {
            StringBuilder b = new StringBuilder();
            for (Object e : a) b.append(cell(e)).append('\n');
            return b.toString().stripTrailing();
        }

        private static String table(JsonArray a) {
            Set<String> cols = new LinkedHashSet<>();
            for (Object e : a) cols.addAll(((JsonObject) e).fieldNames());
            List<String> names = new ArrayList<>(cols);
            int[] w = new int[names.size()];
            List<String[]> rows = new ArrayList<>();
            for (Object e : a) {
                String[] r = new String[names.size()];
                for (int i = 0; i < r.length; i++) r[i] = cell(((JsonObject) e).getValue(names.get(i)));
                rows.add(r);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = names.get(i).length();
                for (String[] r : rows) w[i] = Math.max(w[i], r[i].length());
            }
            StringBuilder b = new StringBuilder();
            appendRow(b, names.stream().map(String::toUpperCase).toArray(String[]::new), w);
            for (String[] r : rows) appendRow(b, r, w);
            return b.toString().stripTrailing();
        }

        private static void appendRow(StringBuilder b, String[] r, int[] w) {
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
            }
            b.append('\n');
        }

        private static String cell(Object v) {
            if (v == null) return "-";
            if (v instanceof JsonObject o) { // a namespace's replication: its leader, else its state (no-leader, unplaced)
                return o.getValue("leader") != null ? o.getValue("leader") + " (term " + o.getValue("term") + ")"
                        : o.getValue("state") != null ? String.valueOf(o.getValue("state")) : o.encode();
            }
            if (v instanceof JsonArray a) return a.isEmpty() ? "-" : String.join(",", a.stream().map(String::valueOf).toList());
            return String.valueOf(v);
        }
    }
}
