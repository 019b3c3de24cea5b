package dev.flint.devstack.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Confirmed grants outlive the emulator; a damaged book is refused by line, not half read. */
class GrantBookTest {
    @TempDir
    Path dir;

    final Grant grant = new Grant(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
        Instant.parse("2026-12-08T10:15:30Z"));

    @Test
    void grantsWrittenAreReadBackByTheNextEmulator() throws IOException {
        Path file = dir.resolve("grants");
        assertThat(GrantBook.open(file).loaded()).isEmpty();
        GrantBook.open(file).save(List.of(grant));
        assertThat(GrantBook.open(file).loaded()).containsExactly(grant);
        GrantBook.open(file).save(List.of());
        assertThat(GrantBook.open(file).loaded()).isEmpty();
        assertThat(dir.resolve("grants.tmp")).doesNotExist();
    }

    @Test
    void aDamagedLineIsRefusedByNumber() throws IOException {
        Path file = dir.resolve("grants");
        Files.write(file, List.of("# header", grant.clientId() + " " + grant.userId() + " " + grant.resourceId() + " "
            + grant.gatewayId() + " tomorrow"));
        assertThatThrownBy(() -> GrantBook.open(file)).isInstanceOf(IOException.class).hasMessageContaining("line 2")
            .hasMessageContaining("tomorrow");
        Files.write(file, List.of(grant.clientId() + " " + grant.userId()));
        assertThatThrownBy(() -> GrantBook.open(file)).hasMessageContaining("line 1").hasMessageContaining("expected");
    }
}
