package dev.flint.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {

    @Test
    void matchesTheRestSchemeAsOpensslComputesIt() {
        // printf '%s' '1795535658:abcSALT' | openssl dgst -sha1 -hmac s3cret -binary | base64
        TurnCredentials credentials = TurnCredentials.rest("s3cret", Instant.ofEpochSecond(1795535658L), "abcSALT");
        assertThat(credentials.username()).isEqualTo("1795535658:abcSALT");
        assertThat(credentials.password()).isEqualTo("+9Qj0lX0Wzh821AS+AQZcZgayIg=");
        assertThat(credentials.toString()).doesNotContain(credentials.password());
    }

    @Test
    void saltIsUnpaddedBase64OfTheKeyHashAndNeverContainsTheSeparator() {
        String salt = TurnCredentials.saltForPublicKey("n8Wd8QBV4XGJqT9Q8yIUmJY1IhY1NJs8tGr4xx1sPnE=");
        assertThat(salt).hasSize(43).doesNotContain("=", ":");
        assertThat(TurnCredentials.saltForPublicKey("other")).isNotEqualTo(salt);
        assertThatThrownBy(() -> TurnCredentials.rest("s", Instant.EPOCH, "a:b"))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
