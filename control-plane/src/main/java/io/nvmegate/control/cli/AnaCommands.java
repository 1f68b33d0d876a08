package io.nvmegate.control.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

import static io.nvmegate.control.cli.ApiClient.seg;

/**
 * {@code ctl ana} and {@code ctl gateway}: ANA groups (which gateway reports each group optimized, and what every
 * gateway reports) and gateways (leases, drain), over {@code /api/v1/ana} and {@code /api/v1/gateways}.
 */
final class AnaCommands {
    private AnaCommands() {}

    @Command(name = "ana", description = "ANA groups: home and owner gateway, hand-off phase, and the state each gateway "
            + "reports (optimized, non-optimized, inaccessible, change). Without a subcommand: the list.",
            subcommands = {Ana.ListCmd.class, Ana.Move.class, Ana.Unpin.class})
    static final class Ana implements Callable<Integer> {
        @Mixin
        Connection c;

        @Override
        public Integer call() { return list(c); }

        static int list(Connection c) {
            if (c.json) return c.run(a -> a.get("/ana"));
            return c.run(a -> table((JsonArray) a.get("/ana")));
        }

        /** One row per group; {@code STATES} as {@code gateway=state} pairs. */
        static JsonArray table(JsonArray groups) {
            JsonArray rows = new JsonArray();
            for (Object o : groups) {
                JsonObject g = (JsonObject) o;
                StringBuilder states = new StringBuilder();
                for (String gw : g.getJsonObject("states", new JsonObject()).fieldNames()) {
                    if (!states.isEmpty()) states.append(' ');
                    states.append(gw).append('=').append(g.getJsonObject("states").getString(gw));
                }
                rows.add(new JsonObject().put("subsystem", g.getString("subsystem")).put("group", g.getInteger("group"))
                        .put("nsids", g.getJsonArray("nsids")).put("storage", g.getString("storage"))
                        .put("home", g.getString("home")).put("owner", g.getString("owner")).put("next", g.getString("next"))
                        .put("phase", g.getString("phase")).put("pinned", g.getBoolean("pinned"))
                        .put("states", states.isEmpty() ? null : states.toString()));
            }
            return rows;
        }

        /**
         * @return {@code subsystem}, or the only subsystem holding ANA group {@code group}; a group in no subsystem is
         *         refused as the API refuses it (404 {@code group}), a group in several is a command-line error
         */
        static String subsystem(ApiClient a, CommandLine cl, String subsystem, int group) {
            if (subsystem != null) return subsystem;
            List<String> in = ((JsonArray) a.get("/ana")).stream().map(JsonObject.class::cast)
                    .filter(g -> g.getInteger("group") == group).map(g -> g.getString("subsystem")).toList();
            if (in.isEmpty()) throw new ApiClient.Refused(404, "no subsystem has ANA group " + group, "group");
            if (in.size() > 1) {
                throw new CommandLine.ParameterException(cl, "ANA group " + group + " exists in " + in.size()
                        + " subsystems " + in + ": give --subsystem NQN");
            }
            return in.get(0);
        }

        @Command(name = "list", description = "List ANA groups (as ctl ana).")
        static final class ListCmd implements Callable<Integer> {
            @Mixin
            Connection c;

            @Override
            public Integer call() { return list(c); }
        }

        @Command(name = "move", description = "Move an ANA group to a gateway and pin it there (for maintenance): the "
                + "balancer hands it over (the owner releases it: non-optimized, then the new one turns optimized), "
                + "with I/O running and no host error. ctl ana unpin lets the balancer place it again.")
        static final class Move implements Callable<Integer> {
            @Mixin
            Connection c;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;
            @Parameters(index = "0", paramLabel = "GROUP", description = "ANA group ID (ANAGRPID), 1..128")
            int group;
            @Option(names = "--to", required = true, paramLabel = "GATEWAY", description = "a live gateway, not draining, with a port exporting the subsystem")
            String to;
            @Option(names = "--subsystem", paramLabel = "NQN", description = "needed when several subsystems have this group")
            String subsystem;

            @Override
            public Integer call() {
                return c.run(a -> a.post("/ana/" + seg(subsystem(a, spec.commandLine(), subsystem, group)) + "/" + group + "/move",
                        Body.of("to", to)));
            }
        }

        @Command(name = "unpin", description = "Clear the pin of ctl ana move: the balancer may place the group again.")
        static final class Unpin implements Callable<Integer> {
            @Mixin
            Connection c;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;
            @Parameters(index = "0", paramLabel = "GROUP", description = "ANA group ID (ANAGRPID), 1..128")
            int group;
            @Option(names = "--subsystem", paramLabel = "NQN", description = "needed when several subsystems have this group")
            String subsystem;

            @Override
            public Integer call() {
                return c.run(a -> a.delete("/ana/" + seg(subsystem(a, spec.commandLine(), subsystem, group)) + "/" + group + "/move"));
            }
        }
    }

    @Command(name = "gateway", description = "Gateways (registered by their lease renewals): lease, draining, ports, owned ANA groups.")
    static final class Gateway {
        @Command(name = "list", description = "List gateways: member, live (lease valid), draining, ports, owned ANA groups.")
        int list(@Mixin Connection c) { return c.run(a -> a.get("/gateways")); }

        @Command(name = "get", description = "Show one gateway.")
        int get(@Mixin Connection c, @Parameters(paramLabel = "ID") String id) { return c.run(a -> a.get("/gateways/" + seg(id))); }

        @Command(name = "drain", description = "Mark a gateway draining: its ANA groups move to the other gateways (two-step "
                + "hand-off, no host error) and it gets none, e.g. before stopping it. Watch with ctl ana.")
        int drain(@Mixin Connection c, @Parameters(paramLabel = "ID") String id,
                  @Option(names = "--force", description = "even if no other live gateway serves one of its subsystems") boolean force) {
            return c.run(a -> a.post("/gateways/" + seg(id) + "/drain" + (force ? "?force=true" : ""), null));
        }

        @Command(name = "undrain", description = "Clear a gateway's draining mark: the balancer may give it groups again "
                + "(its home groups come back after the settle delay).")
        int undrain(@Mixin Connection c, @Parameters(paramLabel = "ID") String id) {
            return c.run(a -> a.post("/gateways/" + seg(id) + "/undrain", null));
        }
    }
}
