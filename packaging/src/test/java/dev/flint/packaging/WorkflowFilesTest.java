package dev.flint.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CI workflows cannot run here (no Windows or macOS machine), so they are kept valid by
 * reading them: they parse, every job has a runner and steps, every bash script passes
 * {@code bash -n}, and the installer checks name the service and launchers the code and the
 * installers define.
 */
class WorkflowFilesTest {
    private static final Path WORKFLOWS = Path.of("..", ".github", "workflows");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode read(String file) throws IOException {
        return YAML.readTree(WORKFLOWS.resolve(file).toFile());
    }

    @Test
    void everyWorkflowParsesAndEveryStepRunsOrUsesSomething() throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(WORKFLOWS)) {
            files = listing.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            JsonNode workflow = YAML.readTree(file.toFile());
            assertThat(workflow.path("name").isTextual()).as(file + ": name").isTrue();
            // YAML 1.1 readers may take the key "on" for a boolean; GitHub reads it as the trigger.
            assertThat(workflow.has("on") || workflow.has("true")).as(file + ": on").isTrue();
            assertThat(workflow.path("jobs").isObject()).as(file + ": jobs").isTrue();
            workflow.path("jobs").properties().forEach(job -> {
                String where = file.getFileName() + " job " + job.getKey();
                assertThat(job.getValue().path("runs-on").isTextual()).as(where + ": runs-on").isTrue();
                JsonNode steps = job.getValue().path("steps");
                assertThat(steps.isArray() && !steps.isEmpty()).as(where + ": steps").isTrue();
                steps.forEach(step -> assertThat(step.has("run") ^ step.has("uses"))
                        .as(where + ": a step runs a script or uses an action: " + step).isTrue());
            });
        }
    }

    @Test
    void everyBashScriptIsValidBash() throws Exception {
        JsonNode jobs = read("installers.yml").path("jobs");
        List<String> checked = new ArrayList<>();
        for (var job : (Iterable<java.util.Map.Entry<String, JsonNode>>) jobs.properties()::iterator) {
            String runner = job.getValue().path("runs-on").asText();
            String jobShell = job.getValue().path("defaults").path("run").path("shell").asText("");
            for (JsonNode step : job.getValue().path("steps")) {
                if (!step.has("run")) {
                    continue;
                }
                String shell = step.path("shell").asText(jobShell);
                // GitHub runs scripts with bash off Windows, and with pwsh on Windows unless told otherwise.
                boolean bash = shell.equals("bash") || (shell.isEmpty() && !runner.startsWith("windows"));
                if (!bash) {
                    assertThat(shell).as(job.getKey() + ": the only other shell is PowerShell").isEqualTo("pwsh");
                    continue;
                }
                Process check = new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
                check.getOutputStream().write(step.get("run").asText().getBytes(StandardCharsets.UTF_8));
                check.getOutputStream().close();
                String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(check.waitFor()).as(job.getKey() + ": bash -n says " + output).isZero();
                checked.add(job.getKey());
            }
        }
        assertThat(checked).contains("linux", "windows-msi", "macos-pkg");
    }

    @Test
    void eachOsBuildsWithJdk25AndRunsTheUnitTestsWithoutThePrivilegedOnes() throws Exception {
        JsonNode jobs = read("installers.yml").path("jobs");
        assertThat(jobs.path("linux").path("runs-on").asText()).isEqualTo("ubuntu-latest");
        assertThat(jobs.path("windows-msi").path("runs-on").asText()).isEqualTo("windows-latest");
        assertThat(jobs.path("macos-pkg").path("runs-on").asText()).isEqualTo("macos-latest");
        for (String job : List.of("linux", "windows-msi", "macos-pkg")) {
            assertThat(step(jobs.path(job), "actions/setup-java@v4").path("with").path("java-version").asText())
                    .as(job + " builds with JDK 25").isEqualTo("25");
        }
        assertThat(scripts(jobs.path("linux"))).as("the Linux job is the project's test command, as .ci/run")
                .contains("./flint test");
        assertThat(Files.readString(Path.of("..", ".ci", "run"))).contains("./flint test");
        for (String job : List.of("windows-msi", "macos-pkg")) {
            assertThat(scripts(jobs.path(job))).as(job)
                    .contains("./mvnw -B -ntp verify -Dsurefire.excludedGroups=privileged");
        }
    }

    @Test
    void theMsiIsInstalledSilentlyAndItsServiceAndGuiAreCheckedByTheirRealNames() throws Exception {
        String windows = String.join("\n", scripts(read("installers.yml").path("jobs").path("windows-msi")));
        String wxs = Files.readString(Path.of("src", "windows", "flint.wxs"));
        assertThat(windows).contains("msiexec.exe", "'/qn'", "Get-Service -Name " + dev.flint.tunnel.windows.WindowsService.NAME,
                "WaitForStatus('Running'", "'Flint\\flint-gui.exe'", "'--version'", "'^flint-gui '");
        assertThat(wxs).contains("Name=\"" + dev.flint.tunnel.windows.WindowsService.NAME + "\"",
                "<Directory Id=\"INSTALLFOLDER\" Name=\"Flint\">", "Arguments=\"run\"");
        assertThat(windows).contains("-o packaging/target/dist/flint-0.1.0-x64.msi", "Resolve-Path packaging/target/dist/flint-0.1.0-x64.msi");
    }

    @Test
    void thePkgIsInstalledAndItsDaemonAndGuiAreCheckedByTheirRealNames() throws Exception {
        String macos = String.join("\n", scripts(read("installers.yml").path("jobs").path("macos-pkg")));
        String plist = Files.readString(Path.of("src", "macos", "dev.flint.tunnel.plist"));
        assertThat(plist).contains("<key>Label</key><string>dev.flint.tunnel</string>",
                "/Applications/Flint.app/Contents/MacOS/flint-tunnel");
        assertThat(macos).contains("--name Flint", "--app-version 0.1.0", "installer -pkg packaging/target/dist/Flint-0.1.0.pkg",
                "launchctl print system/dev.flint.tunnel", "state = running",
                "/Applications/Flint.app/Contents/MacOS/Flint --version | grep '^flint-gui '");
    }

    private static JsonNode step(JsonNode job, String uses) {
        for (JsonNode step : job.path("steps")) {
            if (step.path("uses").asText().equals(uses)) {
                return step;
            }
        }
        throw new AssertionError("no step uses " + uses);
    }

    private static List<String> scripts(JsonNode job) {
        List<String> runs = new ArrayList<>();
        job.path("steps").forEach(s -> {
            if (s.has("run")) {
                runs.add(s.get("run").asText().strip());
            }
        });
        return runs;
    }
}
