package dev.flint.devstack.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One pair of tunnel addresses per device for good, whatever the join order and however often the portal restarts. */
class AddressBookTest {
    @TempDir
    Path dir;

    final UUID gateway = UUID.fromString("6b0d5d3c-2f5e-4f43-9d0a-3c1a9b8c7d61");
    final UUID client = UUID.fromString("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");

    @Test
    void aDeviceGetsTheSameAddressesWhicheverDeviceJoinsFirst() {
        AddressBook gatewayFirst = AddressBook.inMemory();
        String gatewayAddress = gatewayFirst.ipv4(gateway).getHostAddress();
        String clientAddress = gatewayFirst.ipv4(client).getHostAddress();

        AddressBook clientFirst = AddressBook.inMemory();
        assertThat(clientFirst.ipv4(client).getHostAddress()).isEqualTo(clientAddress);
        assertThat(clientFirst.ipv4(gateway).getHostAddress()).isEqualTo(gatewayAddress);
        assertThat(clientAddress).isNotEqualTo(gatewayAddress);
        assertThat(clientFirst.ipv6(client).getHostAddress()).startsWith("fd00:2021:1111:");
        assertThat(clientFirst.ipv4(client).getAddress()[0]).isEqualTo((byte) 100);
        assertThat(clientFirst.ipv4(client).getAddress()[1] & 0xe0).isEqualTo(64);
    }

    @Test
    void aCollisionIsResolvedOnceAndTheFileKeepsItResolvedThatWay() throws IOException {
        // Another device already holds the address the client's id hashes to: the client gets the next one.
        String derived = AddressBook.inMemory().ipv4(client).getHostAddress();
        Path file = dir.resolve("addresses");
        Files.write(file, List.of(gateway + " " + derived + " fd00:2021:1111::1"));
        AddressBook book = AddressBook.open(file);
        String clientAddress = book.ipv4(client).getHostAddress();
        assertThat(clientAddress).isNotEqualTo(derived);
        assertThat(book.ipv4(gateway).getHostAddress()).isEqualTo(derived);
        assertThat(Files.readString(file)).contains(client + " " + clientAddress);

        // Restarted, the client joins first this time: it keeps the address it was given, not the derived one.
        AddressBook restarted = AddressBook.open(file);
        assertThat(restarted.ipv4(client).getHostAddress()).isEqualTo(clientAddress);
        assertThat(restarted.ipv6(client)).isEqualTo(book.ipv6(client));
        assertThat(restarted.ipv4(gateway).getHostAddress()).isEqualTo(derived);
    }

    @Test
    void aPskBaseIsDrawnOnceAndKeptAcrossRestartsAndBooksWithoutOneGetOne() throws IOException {
        Path file = dir.resolve("addresses");
        Files.write(file, List.of(gateway + " 100.64.0.9 fd00:2021:1111::9"));
        AddressBook book = AddressBook.open(file);
        byte[] gatewayBase = book.pskBase(gateway);
        byte[] clientBase = book.pskBase(client);
        assertThat(gatewayBase).hasSize(32).isNotEqualTo(clientBase);
        assertThat(book.pskBase(gateway)).isEqualTo(gatewayBase);

        AddressBook restarted = AddressBook.open(file);
        assertThat(restarted.pskBase(client)).isEqualTo(clientBase);
        assertThat(restarted.pskBase(gateway)).isEqualTo(gatewayBase);
        assertThat(restarted.ipv4(gateway).getHostAddress()).isEqualTo("100.64.0.9");

        Files.write(file, List.of(client + " 100.64.0.9 fd00:2021:1111::9 AAAA"));
        assertThatThrownBy(() -> AddressBook.open(file)).hasMessageContaining("line 1")
            .hasMessageContaining("3 bytes, not 32");
    }

    @Test
    void aDamagedFileIsRefusedNamingTheLine() throws IOException {
        Path file = dir.resolve("addresses");
        Files.write(file, List.of("# comment", client + " 100.64.0.9 fd00:2021:1111::9", gateway + " 10.0.0.1"));
        assertThatThrownBy(() -> AddressBook.open(file)).isInstanceOf(IOException.class)
            .hasMessageContaining("line 3").hasMessageContaining("10.0.0.1 is not in 100.64.0.0/11");
        Files.write(file, List.of(client + " 100.64.0.9", gateway + " 100.64.0.9"));
        assertThatThrownBy(() -> AddressBook.open(file)).hasMessageContaining("line 2")
            .hasMessageContaining("already " + client);
    }
}
