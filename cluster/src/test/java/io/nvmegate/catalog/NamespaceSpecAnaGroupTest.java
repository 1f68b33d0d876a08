package io.nvmegate.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ANA group (ANAGRPID) of a namespace as the catalog, the REST API and {@code --config} parse it: without
 * {@code anaGroup}, {@code ((nsid - 1) % 128) + 1} (each namespace its own group up to NSID 128); a given value is
 * kept, also through a save/restore round trip.
 */
class NamespaceSpecAnaGroupTest {
    private static final String NQN = "nqn.2026-11.io.example:ana";

    private static NamespaceSpec parse(JsonObject j) { return NamespaceSpec.fromJson(j.put("subsystem", NQN), null); }

    @Test
    void defaultGroupIsTheNsidModulo128() {
        assertThat(parse(JsonObject.of("nsid", 1)).anaGroup()).isEqualTo(1);
        assertThat(parse(JsonObject.of("nsid", 2)).anaGroup()).isEqualTo(2);
        assertThat(parse(JsonObject.of("nsid", 128)).anaGroup()).isEqualTo(128);
        assertThat(parse(JsonObject.of("nsid", 129)).anaGroup()).isEqualTo(1);
        assertThat(parse(JsonObject.of("nsid", 0xFFFFFFFEL)).anaGroup()).as("NSID unsigned: 4294967293 %% 128 + 1").isEqualTo(126);
        assertThat(parse(JsonObject.of()).anaGroup()).as("NSID defaults to 1").isEqualTo(1);
        assertThat(NamespaceSpec.defaultAnaGroup(256)).isEqualTo(128);
    }

    @Test
    void givenGroupIsKeptAndRoundTrips() {
        NamespaceSpec n = parse(JsonObject.of("nsid", 5, "anaGroup", 1));
        assertThat(n.anaGroup()).isEqualTo(1);
        assertThat(NamespaceSpec.fromJson(n.toJson(), null)).isEqualTo(n);
        NamespaceSpec d = parse(JsonObject.of("nsid", 7));
        assertThat(d.toJson().getInteger("anaGroup")).as("saved explicitly").isEqualTo(7);
        assertThatThrownBy(() -> parse(JsonObject.of("nsid", 3, "anaGroup", 129))).hasMessageStartingWith("namespace.anaGroup must be 1..128");
    }

    @Test
    void configNamespacesGetTheDefaultToo() {
        CatalogConfig c = CatalogConfig.parse(new JsonObject().put("subsystems", new JsonArray().add(new JsonObject().put("nqn", NQN)
                .put("namespaces", new JsonArray().add(JsonObject.of("nsid", 1, "size", "1M")).add(JsonObject.of("nsid", 3, "size", "1M"))
                        .add(JsonObject.of("nsid", 4, "size", "1M", "anaGroup", 1))))));
        assertThat(c.namespaces()).extracting(NamespaceSpec::anaGroup).containsExactly(1, 3, 1);
    }
}
