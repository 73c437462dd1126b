package dev.apollo.cli.command;

import dev.apollo.api.Views.ArtifactView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.client.ApolloClient;
import dev.apollo.client.Pushed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** No standard help mixin here: its -V/--version would clash with the artifact's --version. */
@Command(name = "push", description = "Upload an executable jar as NAME:VERSION.")
public final class ArtifactPushCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Parameters(paramLabel = "FILE", description = "The jar to upload.")
    private Path file;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Service name, e.g. web-service.")
    private String name;

    @Option(names = "--version", required = true, paramLabel = "V", description = "Version, e.g. 1.0.0.")
    private String version;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "FILE '" + file + "': "
                    + (Files.isDirectory(file) ? "is a directory (expected: a jar file)" : "no such file"));
        }
        if (!Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), "FILE '" + file + "': not readable (check its permissions)");
        }
        try (ApolloClient client = global.client()) {
            Pushed pushed = client.pushArtifact(name, version, file);
            ArtifactView artifact = pushed.artifact();
            if (global.json()) {
                global.printJson(artifact);
            } else if (pushed.created()) {
                global.out().println("Pushed " + artifact.name() + ":" + artifact.version() + " (" + ArtifactListCommand.size(artifact.size())
                        + ", sha256 " + ArtifactListCommand.shortHash(artifact.sha256()) + "). Deploy it with: apollo deploy "
                        + artifact.name() + ":" + artifact.version() + " -n 2");
            } else {
                global.out().println(artifact.name() + ":" + artifact.version() + " was already stored with the same bytes (sha256 "
                        + ArtifactListCommand.shortHash(artifact.sha256()) + ").");
            }
        }
        return ExitCodes.OK;
    }
}
