package dev.flint.connlib.phoenix;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConnectResponseTest {

    private static final String BODY =
        "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"Invalid token\",\"code\":\"invalid_token\"}";

    @Test
    void problemDetailsAreReadOnlyForTheProblemMediaType() {
        assertThat(ProblemDetails.parse("application/problem+json; charset=utf-8", BODY))
            .isEqualTo(new ProblemDetails("about:blank", "Unauthorized", 401, "Invalid token", "invalid_token"));
        assertThat(ProblemDetails.parse("Application/Problem+JSON", BODY).code()).isEqualTo("invalid_token");
        assertThat(ProblemDetails.parse("application/json", BODY)).isNull();
        assertThat(ProblemDetails.parse("text/html", "<h1>401</h1>")).isNull();
        assertThat(ProblemDetails.parse("application/problem+json", "not json")).isNull();
        assertThat(ProblemDetails.parse(null, BODY)).isNull();
        assertThat(ProblemDetails.parse("application/problem+json", "{\"detail\":\"x\"}"))
            .isEqualTo(new ProblemDetails(null, null, null, "x", null));
    }

    @Test
    void retryAfterTakesSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2015-10-21T07:27:00Z");
        assertThat(RetryAfter.parse("120", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("0", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now)).isEqualTo(Duration.ofSeconds(60));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:26:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("-1", now)).isNull();
        assertThat(RetryAfter.parse("12.5", now)).isNull();
        assertThat(RetryAfter.parse("", now)).isNull();
        assertThat(RetryAfter.parse("invalid", now)).isNull();
        assertThat(RetryAfter.parse(null, now)).isNull();
    }
}
