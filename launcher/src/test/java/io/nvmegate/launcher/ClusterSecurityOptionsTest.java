package io.nvmegate.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster security options are checked before anything starts: an incomplete TLS triple, an unreadable file or
 * a malformed secret key is a configuration error (exit code 2) naming the option, never quoting a key.
 */
class ClusterSecurityOptionsTest {
    @TempDir
    Path dir;

    record Run(int code, String err) {}

    Run main(String... args) {
        List<String> all = new ArrayList<>(List.of("all", "--data", dir.resolve("data").toString(), "--discovery-port", "-1",
                "--metrics-port", "-1", "--api-port", "-1"));
        all.addAll(List.of(args));
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(all.toArray(String[]::new));
            return new Run(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void tlsOptionsGoTogether() throws Exception {
        Path f = Files.writeString(dir.resolve("member.crt"), "x");
        Run r = main("--cluster-tls-cert", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--cluster-tls-cert, --cluster-tls-key and --cluster-tls-ca go together");
        r = main("--cluster-tls-cert", f.toString(), "--cluster-tls-key", f.toString(), "--cluster-tls-ca", dir.resolve("nope.crt").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--cluster-tls-ca: cannot read").contains("nope.crt");
    }

    @Test
    void aMalformedSecretKeyIsAConfigurationErrorThatNeverQuotesIt() throws Exception {
        Path k = Files.writeString(dir.resolve("secret.key"), "correct horse battery staple");
        Run r = main("--cluster-secret-key", k.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--cluster-secret-key").contains("openssl rand -base64 32").doesNotContain("horse");
        Path shortKey = Files.writeString(dir.resolve("short.key"), Base64.getEncoder().encodeToString(new byte[31]));
        r = main("--cluster-secret-key", shortKey.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("31 bytes");
    }
}
