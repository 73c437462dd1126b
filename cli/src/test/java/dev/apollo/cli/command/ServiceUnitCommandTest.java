package dev.apollo.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.cli.Run;
import dev.apollo.cli.local.ServiceUnit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unit `apollo service-unit` prints, and systemd's own check of it (systemd-analyze verify, no systemd running needed). */
class ServiceUnitCommandTest {
    private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");

    @TempDir
    Path dir;

    private Run run(Path home, String... args) {
        return Run.of(Map.of("APOLLO_HOME", home.toString()), args);
    }

    @Test
    void aSystemUnitRunsTheControlPlaneOfTheDataDirInTheForegroundAndStopsItAlone() throws Exception {
        Path home = dir.resolve("data");
        Run run = run(home, "service-unit");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String unit = run.out();
        assertThat(unit).contains("KillMode=process\n", "Restart=on-failure\n", "SuccessExitStatus=143\n",
                "RestartPreventExitStatus=2\n", "Type=simple\n", "User=" + System.getProperty("user.name") + "\n",
                "WantedBy=multi-user.target\n", "After=network-online.target\n",
                "> /etc/systemd/system/apollo.service", "systemctl daemon-reload && systemctl enable --now apollo",
                "journalctl -u apollo", home.resolve("apollo.conf").toString());
        List<String> command = ServiceUnit.execStart(unit).orElseThrow();
        assertThat(command.getFirst()).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertThat(command).containsSequence("dev.apollo.server.ServerMain", "--home", home.toString())
                .doesNotContain("--listen", "--detach");
        assertVerified(unit, false);
    }

    @Test
    void aUserUnitIsStartedWithTheUsersManager() throws Exception {
        Run run = run(dir.resolve("data"), "service-unit", "--user");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("KillMode=process\n", "WantedBy=default.target\n", "~/.config/systemd/user/apollo.service",
                        "systemctl --user daemon-reload", "loginctl enable-linger")
                .doesNotContain("User=", "network-online.target");
        assertVerified(run.out(), true);
    }

    @Test
    void aDataDirWithSpacesAndPercentSignsSurvivesSystemdsQuoting() throws Exception {
        Path home = dir.resolve("my data 100%");
        String unit = run(home, "service-unit").out();

        assertThat(unit).contains("\"" + home.toString().replace("%", "%%") + "\"");
        assertThat(ServiceUnit.execStart(unit).orElseThrow()).containsSequence("--home", home.toString());
        assertVerified(unit, false);
    }

    /** systemd-analyze verify: silent and exit 0 for a unit it finds nothing wrong with. */
    private void assertVerified(String unit, boolean user) throws IOException, InterruptedException {
        assertThat(SYSTEMD_ANALYZE).as("systemd-analyze (apt-get install systemd; ./test installs it)").isExecutable();
        Path file = Files.createDirectories(dir.resolve(user ? "user" : "system")).resolve(ServiceUnit.NAME);
        Files.writeString(file, unit);
        ProcessBuilder verify = new ProcessBuilder(user
                ? List.of(SYSTEMD_ANALYZE.toString(), "--user", "verify", file.toString())
                : List.of(SYSTEMD_ANALYZE.toString(), "verify", file.toString()))
                .redirectErrorStream(true);
        if (user) {
            // A user manager's runtime directory; without a login session there is none.
            Path runtime = Files.createDirectories(dir.resolve("runtime"));
            verify.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        }
        Process process = verify.start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(said).as("systemd-analyze verify of\n%s", unit).isEmpty();
        assertThat(process.exitValue()).isZero();
    }
}
