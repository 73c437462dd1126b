package dev.apollo.cli.command;

import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.render.Table;
import dev.apollo.cli.render.Times;
import dev.apollo.client.ApolloClient;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "history", mixinStandardHelpOptions = true, description = "List a service's releases, newest first.")
public final class HistoryCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Parameters(paramLabel = "SERVICE")
    private String service;

    @Mixin
    private EnvironmentOption environment;

    @Override
    public Integer call() {
        List<ReleaseView> releases;
        try (ApolloClient client = global.client()) {
            releases = client.history(environment.name(), service);
        }
        if (global.json()) {
            global.printJson(releases);
        } else if (releases.isEmpty()) {
            global.out().println(service + " has no releases in " + environment.name() + ".");
        } else {
            Instant now = global.now();
            Table table = new Table("release", "version", "instances", "state", "created", "updated", "reason", "changed");
            releases.forEach(r -> table.row(r.id(), r.version(), r.instances(),
                    r.state() == null ? null : r.state().toLowerCase(Locale.ROOT),
                    Times.relative(r.createdAt(), now), Times.relative(r.updatedAt(), now), r.reason(),
                    r.changes() == null || r.changes().isEmpty() ? null : String.join(", ", r.changes())));
            table.print(global.out());
        }
        return ExitCodes.OK;
    }
}
