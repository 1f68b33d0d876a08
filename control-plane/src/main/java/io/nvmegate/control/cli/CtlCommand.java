package io.nvmegate.control.cli;

import io.nvmegate.catalog.PrivateFiles;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code nvmegate ctl ...}: the management CLI, a client of the REST API ({@code --api}, default
 * {@code http://127.0.0.1:8080}; {@code --token}). Output: a table, or the API's JSON with {@code --json}.
 * Exit codes: 0 done, 1 the API refused (4xx/5xx; the message names the field), 2 bad command line,
 * 3 the API could not be reached.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true, description = "Manage nvmegate through its management API.",
        subcommands = {ResourceCommands.Global.class, ResourceCommands.Subsys.class, ResourceCommands.Ns.class,
                ResourceCommands.Port.class, ResourceCommands.PortSubsys.class, ResourceCommands.Host.class,
                ResourceCommands.HostSubsys.class, ResourceCommands.Referral.class, ResourceCommands.Worker.class, AnaCommands.Ana.class, AnaCommands.Gateway.class,
                CommandLine.HelpCommand.class})
public final class CtlCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (ctl help)");
    }

    @Command(name = "generate-key", description = "Generate a DH-HMAC-CHAP secret (DHHC-1:<hh>:<base64>:).")
    int generateKey(@Mixin Connection c, @Option(names = "--hash", description = "none (default), sha256, sha384, sha512") String hash,
                    @Option(names = "--length", description = "32, 48 or 64 bytes") Integer length) {
        if (c.json) return c.run(a -> a.post("/generate-key", Body.of("hash", hash, "length", length)));
        return c.run(a -> ((JsonObject) a.post("/generate-key", Body.of("hash", hash, "length", length))).getString("key"));
    }

    @Command(name = "choices", description = "Accepted values (address families, DH groups, hashes, ...).")
    int choices(@Mixin Connection c) { return c.run(a -> a.get("/choices")); }

    @Command(name = "save", description = "The whole configuration as one JSON document, host keys included (what "
            + "restore needs): to --output FILE (created readable only by you, 0600) or stdout.")
    int save(@Mixin Connection c,
             @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE, mode 0600 (replaced atomically)") Path output,
             @Option(names = "--without-secrets", description = "host keys as <set> (a document to read; restore refuses its keyed hosts)") boolean withoutSecrets) {
        c.json = true;
        String path = withoutSecrets ? "/config" : "/config?secrets=true";
        if (output == null) return c.run(a -> a.get(path));
        return c.run(a -> {
            Object doc = a.get(path);
            try {
                PrivateFiles.write(output, Connection.pretty(doc) + "\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Command(name = "restore", description = "Replace the whole configuration with a saved document.")
    int restore(@Mixin Connection c, @Parameters(paramLabel = "FILE") Path file) {
        JsonObject doc;
        try {
            doc = new JsonObject(Files.readString(file));
        } catch (IOException | DecodeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + file + ": " + e.getMessage());
        }
        return c.run(a -> a.put("/config", doc));
    }

    /** Runs {@code ctl} with {@code args} (for a standalone main or tests). */
    public static int execute(String... args) {
        return new CommandLine(new CtlCommand()).execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
