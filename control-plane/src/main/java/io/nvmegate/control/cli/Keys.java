package io.nvmegate.control.cli;

import io.nvmegate.catalog.HostSpec;
import io.nvmegate.protocol.auth.DhchapSecret;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The key options of {@code ctl host create|update}: a given DH-HMAC-CHAP secret ({@code --dhchap-key}, alias
 * {@code --key}) or one generated here ({@code --generate-key}), the same for the controller key. A generated
 * secret is a {@link DhchapSecret#generate} of the transformation hash named by {@code --hash} (sha256 → hh 01,
 * 32 bytes; sha384 → 02, 48; sha512 → 03, 64; as {@code nvme gen-dhchap-key --hmac}), sent to the API, and printed
 * exactly once: in place of the {@value HostSpec#SECRET_SET} marker of the API's answer (table or JSON). The API
 * itself never echoes a key.
 */
final class Keys {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"--dhchap-key", "--key"}, description = "DHHC-1 host secret (nvme connect --dhchap-secret)")
    String key;

    @Option(names = {"--dhchap-ctrl-key", "--ctrl-key"}, description = "DHHC-1 controller secret (bidirectional authentication)")
    String ctrlKey;

    @Option(names = "--generate-key", description = "generate the host secret; printed once")
    boolean generateKey;

    @Option(names = "--generate-ctrl-key", description = "generate the controller secret; printed once")
    boolean generateCtrlKey;

    /** Sends a host body carrying the keys. */
    interface Call {
        Object send(ApiClient api, String key, String ctrlKey);
    }

    /**
     * Resolves the keys (generating what was asked), runs {@code call} and prints its answer with the generated
     * secrets shown in it.
     *
     * @param hash the {@code --hash} option (null: sha256)
     */
    int send(Connection c, String hash, Call call) {
        CommandLine cl = spec.commandLine();
        if (generateKey && key != null) throw new CommandLine.ParameterException(cl, "--generate-key and --dhchap-key exclude each other");
        if (generateCtrlKey && ctrlKey != null) throw new CommandLine.ParameterException(cl, "--generate-ctrl-key and --dhchap-ctrl-key exclude each other");
        int hh = switch (hash == null ? "sha256" : hash) {
            case "sha256" -> 1;
            case "sha384" -> 2;
            case "sha512" -> 3;
            default -> 0; // the API refuses the hash, naming it; nothing generated is shown
        };
        if ((generateKey || generateCtrlKey) && hh == 0) {
            throw new CommandLine.ParameterException(cl, "--hash must be sha256, sha384 or sha512 to generate a key");
        }
        String k = generateKey ? DhchapSecret.generate(hh).format() : key;
        String ck = generateCtrlKey ? DhchapSecret.generate(hh).format() : ctrlKey;
        return c.run(a -> {
            Object answer = call.send(a, k, ck);
            if (answer instanceof JsonObject j) {
                if (generateKey && HostSpec.isRedacted(j.getValue("dhchapKey"))) j.put("dhchapKey", k);
                if (generateCtrlKey && HostSpec.isRedacted(j.getValue("dhchapCtrlKey"))) j.put("dhchapCtrlKey", ck);
            }
            return answer;
        });
    }
}
