package dev.apollo.cli.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.apollo.api.Json;
import dev.apollo.api.Views.DeployRequest;
import dev.apollo.api.Views.DeployResponse;
import dev.apollo.api.Views.EventView;
import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.Context;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.ProgressBar;
import dev.apollo.client.ApolloClient;
import dev.apollo.client.EventFilter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Sends a deploy and, unless told not to wait, follows its release's events to the end, showing
 * progress as a live line (terminal), a line per event (pipe) or a JSON line per event (-o json).
 */
public final class DeployFlow {
    private final ApolloClient client;
    private final Context context;
    private final boolean json;

    public DeployFlow(ApolloClient client, Context context, boolean json) {
        this.client = client;
        this.context = context;
        this.json = json;
    }

    /** Returns the exit code: 0 when the release is live (or nothing had to change), 1 when it failed. */
    public int run(DeployRequest request, boolean wait) {
        return show(client.deploy(request), wait);
    }

    /** Shows a deploy the server has accepted (a deploy, a testbed promotion, a rollback that redeploys). */
    public int show(DeployResponse response, boolean wait) {
        ReleaseView release = response.release();
        PrintStream out = context.out();
        String what = release.service() + ":" + release.version();
        if (json && (!wait || !"deploy".equals(response.kind()))) {
            out.println(line(response));
            return ExitCodes.OK;
        }
        switch (response.kind()) {
            case "unchanged" -> out.println(what + " is already live in " + release.environment() + " with "
                    + release.instances() + " instances: nothing to do.");
            case "scale" -> out.println(what + " is already live in " + release.environment() + ": resizing release "
                    + release.id() + " to " + release.instances() + " instances instead of starting a new release.");
            default -> {
                if (json) {
                    return follow(response);
                }
                out.println("Deploying " + what + " to " + release.environment() + " as release " + release.id()
                        + " (" + release.instances() + " instances)");
                if (!wait) {
                    out.println("Not waiting. Follow it with: apollo status " + release.service() + " -e " + release.environment());
                    return ExitCodes.OK;
                }
                return follow(response);
            }
        }
        return ExitCodes.OK;
    }

    private int follow(DeployResponse response) {
        ReleaseView release = response.release();
        DeployState state = new DeployState(release.instances());
        PrintStream out = context.out();
        LiveLine live = !json && context.tty() ? new LiveLine(out, state) : null;
        Consumer<EventView> view = json ? event -> out.println(line(event))
                : live != null ? live
                : event -> out.println(state.plainLine(event));
        try {
            client.events(response.eventCursor(), EventFilter.release(release.id()),
                    event -> {
                        state.apply(event);
                        view.accept(event);
                    },
                    event -> release.id().equals(event.release()) && DeployState.ends(event));
        } finally {
            if (live != null) {
                live.close();
            }
        }
        String what = release.service() + ":" + release.version();
        if (state.succeeded()) {
            if (!json) {
                out.println(what + " is live in " + release.environment() + ": " + state.healthy() + "/" + state.target()
                        + " healthy (release " + release.id() + ", " + ProgressBar.seconds(state.elapsed()) + ").");
            }
            return ExitCodes.OK;
        }
        EventView end = state.last();
        // The server's message is a whole sentence that names the release; only make one up when it is missing.
        String reason = end.message() == null || end.message().isBlank()
                ? "the deploy of " + what + " to " + release.environment() + " (release " + release.id() + ") ended with "
                        + end.type() + "."
                : end.message();
        context.err().println("apollo: " + reason);
        if (!end.type().equals("RELEASE_REPLACED")) { // replaced is no failure of its instances: their logs tell nothing
            FailureLogs.print(client, release, reason, context.err());
        }
        return ExitCodes.FAILED;
    }

    private static String line(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
