package dev.apollo.cli.command;

import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.Table;
import dev.apollo.cli.render.Times;
import dev.apollo.client.ApolloClient;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

@Command(name = "history", mixinStandardHelpOptions = true, description = "List a service's releases, newest first.")
public final class HistoryCommand extends ServiceCommand {
    @Override
    int call(ApolloClient client) {
        List<ReleaseView> releases = client.history(environment.name(), service);
        print(releases, service + " has no releases in " + environment.name() + ".", () -> {
            Instant now = global.now();
            Table table = new Table("release", "version", "instances", "state", "created", "updated", "reason", "changed");
            releases.forEach(r -> table.row(r.id(), r.version(), r.instances(),
                    r.state() == null ? null : r.state().toLowerCase(Locale.ROOT),
                    Times.relative(r.createdAt(), now), Times.relative(r.updatedAt(), now), r.reason(),
                    r.changes() == null || r.changes().isEmpty() ? null : String.join(", ", r.changes())));
            table.print(global.out());
        });
        return ExitCodes.OK;
    }
}
