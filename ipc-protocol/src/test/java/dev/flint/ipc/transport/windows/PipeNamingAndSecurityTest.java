package dev.flint.ipc.transport.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.ipc.transport.IpcEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The platform-independent half of the named pipe transport: names and security descriptors. */
class PipeNamingAndSecurityTest {
    private static final int FILE_CREATE_PIPE_INSTANCE = 0x4;
    private static final Pattern ACE = Pattern.compile("\\((A|D|XA);[^;]*;([^;]+);[^;]*;[^;]*;([^;)]+)[^)]*\\)");

    @Test
    void endpointNamesMatchTheArchitecture() {
        assertThat(new PipeName(IpcEndpoints.WINDOWS_TUNNEL_PIPE).path()).isEqualTo("\\\\.\\pipe\\dev.flint.client_tunnel.ipc");
        assertThat(new PipeName(IpcEndpoints.WINDOWS_GUI_PIPE).name()).isEqualTo("dev.flint.client_gui.ipc");
        assertThat(PipeName.of("dev.flint.client_tunnel.ipc").path()).isEqualTo(IpcEndpoints.WINDOWS_TUNNEL_PIPE);
    }

    @Test
    void rejectsRemoteOrMalformedPipeNames() {
        assertThatThrownBy(() -> new PipeName("\\\\server\\pipe\\x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PipeName("\\\\.\\pipe\\")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PipeName("\\\\.\\pipe\\a\\b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PipeName.of("x".repeat(300))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tunnelPipeIsOwnedBySystemProtectedAndOpenOnlyToInteractiveUsers() {
        String sddl = PipeSecurity.tunnelService().sddl();
        assertThat(sddl).startsWith("O:SYD:P");
        assertThat(trustees(sddl)).containsExactly("SY", "IU");
        assertThat(sddl).doesNotContain(";;;WD)", ";;;AN)", ";;;NU)", ";;;NS)");
    }

    @Test
    void onlyALocalSystemOwnedPipeIsTakenForTheService() {
        assertThat(PipeSecurity.ownedByTunnelService("S-1-5-18")).isTrue();
        // The pipe's owner must be exactly what its SDDL pins.
        assertThat(PipeSecurity.tunnelService().sddl()).startsWith("O:SY");
        assertThat(PipeSecurity.ownedByTunnelService("S-1-5-32-544")).as("Administrators").isFalse();
        assertThat(PipeSecurity.ownedByTunnelService("S-1-5-21-3623811015-3361044348-30300820-1013")).as("a user").isFalse();
        assertThat(PipeSecurity.ownedByTunnelService("S-1-5-19")).as("LocalService").isFalse();
        assertThat(PipeSecurity.ownedByTunnelService("")).isFalse();
    }

    @Test
    void clientsCanNeverCreatePipeInstances() {
        for (String sddl : List.of(PipeSecurity.tunnelService().sddl())) {
            Matcher ace = ACE.matcher(sddl);
            while (ace.find()) {
                if (ace.group(3).equals("SY")) {
                    continue;
                }
                String rights = ace.group(2);
                assertThat(rights).as("rights for %s", ace.group(3)).startsWith("0x").isNotIn("FA", "GA", "GW", "FW");
                assertThat(Integer.parseInt(rights.substring(2), 16) & FILE_CREATE_PIPE_INSTANCE).isZero();
            }
        }
    }

    @Test
    void perUserPipeAdmitsOnlySystemAndThatUserAndRejectsSddlInjection() {
        String sid = "S-1-5-21-3623811015-3361044348-30300820-1013";
        assertThat(PipeSecurity.perUser(sid).sddl()).isEqualTo("D:P(A;;FA;;;SY)(A;;FA;;;" + sid + ")");
        assertThatThrownBy(() -> PipeSecurity.perUser("WD)(A;;FA;;;WD")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PipeSecurity.perUser("S-1-5-21)")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> trustees(String sddl) {
        List<String> result = new ArrayList<>();
        Matcher ace = ACE.matcher(sddl);
        while (ace.find()) {
            result.add(ace.group(3));
        }
        return result;
    }
}
