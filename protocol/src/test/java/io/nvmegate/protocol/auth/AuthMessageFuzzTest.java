package io.nvmegate.protocol.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the DH-HMAC-CHAP message decoders ({@link AuthMessage#decode}: AUTH_Negotiate,
 * Challenge, Reply, Success1, Success2, Failure1/2), which read the data of Authentication Send (target) and
 * Authentication Receive (host). Their contract (see {@link AuthMessage}): anything malformed raises
 * {@link DhchapException} with the reason for the Failure message, never a runtime exception; so any other exception
 * is a finding. A message that decodes encodes to bytes that decode to the same message.
 * Regression inputs: {@code src/test/resources/io/nvmegate/protocol/auth/AuthMessageFuzzTestInputs/decode/}.
 */
class AuthMessageFuzzTest {
    @FuzzTest
    void decode(byte[] data) {
        AuthMessage m;
        try {
            m = AuthMessage.decode(data);
        } catch (DhchapException e) {
            assertThat(e.reason()).isNotNull();
            return;
        }
        byte[] encoded = m.encode();
        assertThat(encoded.length).isLessThanOrEqualTo(data.length);
        AuthMessage again;
        try {
            again = AuthMessage.decode(encoded);
        } catch (DhchapException e) {
            throw new AssertionError(m.getClass().getSimpleName() + " encodes to bytes that do not decode: " + e.getMessage(), e);
        }
        assertThat(again.getClass()).isEqualTo(m.getClass());
        assertThat(again.tid()).isEqualTo(m.tid());
        assertThat(Arrays.equals(again.encode(), encoded)).isTrue();
        assertThat(m.toString()).isNotEmpty();
    }
}
