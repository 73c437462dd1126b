package dev.apollo.cli.command;

import dev.apollo.api.Views.DashboardLink;
import dev.apollo.cli.ExitCodes;
import dev.apollo.client.ApolloClient;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Log a browser into the web dashboard of the running control plane.",
            "Prints a one-time link (good once, for a minute; it carries no token) and, on a desktop, opens it."})
public final class DashboardCommand extends ClientCommand {
    @Option(names = "--no-open", description = "Only print the link; do not start a browser.")
    private boolean noOpen;

    @Override
    int call(ApolloClient client) {
        DashboardLink link = client.dashboardLink();
        long seconds = Math.max(0, Duration.between(global.now(), link.expiresAt()).toSeconds());
        print(link, "Open the dashboard (this link logs one browser in, once, within " + seconds + " s):\n  " + link.url());
        if (!noOpen) {
            opener().ifPresent(program -> open(program, link.url()));
        }
        return ExitCodes.OK;
    }

    /** The desktop's "open this URL" program, when there is a desktop to open it on. */
    private static Optional<String> opener() {
        String os = System.getProperty("os.name", "").toLowerCase();
        if (os.contains("mac")) {
            return Optional.of("open");
        }
        boolean desktop = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
        if (!desktop) {
            return Optional.empty();
        }
        return onPath("xdg-open");
    }

    private static Optional<String> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            File candidate = new File(dir, program);
            if (candidate.canExecute()) {
                return Optional.of(candidate.getPath());
            }
        }
        return Optional.empty();
    }

    private void open(String program, String url) {
        try {
            // The browser outlives us; its chatter is not ours to print.
            new ProcessBuilder(List.of(program, url)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            say("Could not start a browser (" + e.getMessage() + "); open the link by hand.");
        }
    }
}
