package io.nvmegate.protocol.auth;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DhchapSecret#generate(int)}: nvme-cli {@code gen-dhchap-key}'s key length for each transformation hash
 * (hh 00 and 01: 32 bytes, 02: 48, 03: 64), the CRC-32 appended little-endian (checked here with the JDK's CRC32
 * over the decoded bytes, independently of the parser), and fresh random bytes each time.
 */
class DhchapSecretGenerateTest {
    @Test
    void lengthsFormatAndCrcFollowNvmeCli() {
        int[] expected = {32, 32, 48, 64};
        for (int hh = 0; hh <= 3; hh++) {
            String text = DhchapSecret.generate(hh).format();
            assertThat(text).startsWith(String.format("DHHC-1:%02d:", hh)).endsWith(":");
            byte[] raw = Base64.getDecoder().decode(text.split(":")[2]);
            assertThat(raw).hasSize(expected[hh] + 4);
            CRC32 crc = new CRC32();
            crc.update(raw, 0, expected[hh]);
            long stored = (raw[expected[hh]] & 0xFFL) | (raw[expected[hh] + 1] & 0xFFL) << 8
                    | (raw[expected[hh] + 2] & 0xFFL) << 16 | (raw[expected[hh] + 3] & 0xFFL) << 24;
            assertThat(stored).isEqualTo(crc.getValue());
            DhchapSecret back = DhchapSecret.parse(text);
            assertThat(back.transformHashId()).isEqualTo(hh);
            assertThat(back.keyLength()).isEqualTo(DhchapSecret.defaultKeyLength(hh)).isEqualTo(expected[hh]);
        }
        assertThatThrownBy(() -> DhchapSecret.generate(4)).isInstanceOf(InvalidSecretException.class);
    }

    @Test
    void eachSecretIsNew() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) assertThat(seen.add(DhchapSecret.generate(1).format())).isTrue();
    }
}
