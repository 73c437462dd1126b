package dev.apollo.cli.command;

import dev.apollo.api.Views.ArtifactView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.Table;
import dev.apollo.cli.render.Times;
import dev.apollo.client.ApolloClient;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List the stored artifacts.")
public final class ArtifactListCommand extends ClientCommand {
    @Override
    int call(ApolloClient client) {
        List<ArtifactView> artifacts = client.artifacts();
        print(artifacts, "No artifacts stored yet. Push one with: apollo artifact push FILE --name NAME --version V", () -> {
            Instant now = global.now();
            Table table = new Table("name", "version", "kind", "size", "sha256", "stored");
            artifacts.stream()
                    .sorted(Comparator.comparing(ArtifactView::name).thenComparing(ArtifactView::storedAt, Comparator.nullsLast(Comparator.naturalOrder())))
                    .forEach(a -> table.row(a.name(), a.version(), a.image() != null ? "image " + a.image() : a.kind(), size(a.size()),
                            shortHash(a.sha256()), Times.relative(a.storedAt(), now)));
            table.print(global.out());
        });
        return ExitCodes.OK;
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    static String shortHash(String sha256) {
        return sha256 == null ? "-" : sha256.substring(0, Math.min(12, sha256.length()));
    }
}
