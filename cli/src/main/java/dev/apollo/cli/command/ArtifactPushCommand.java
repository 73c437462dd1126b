package dev.apollo.cli.command;

import dev.apollo.api.Views.ArtifactView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.client.ApolloClient;
import dev.apollo.client.Pushed;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** No standard help mixin here: its -V/--version would clash with the artifact's --version. */
@Command(name = "push", description = {"Store an executable jar, a container image archive (docker save output) or an",
        "image the engine already has (--image) as NAME:VERSION."})
public final class ArtifactPushCommand extends ClientCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The jar, or the image archive (docker save IMAGE -o FILE.tar), to upload.")
    private Path file;

    @Option(names = "--image", paramLabel = "REF", description = "Record an image the Docker engine already has"
            + " (e.g. acme/orders:1.4) instead of uploading a file; needs a control plane on --scheduler swarm.")
    private String image;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Service name, e.g. web-service.")
    private String name;

    @Option(names = "--version", required = true, paramLabel = "V", description = "Version, e.g. 1.0.0.")
    private String version;

    @Override
    void beforeConnecting() {
        if ((file == null) == (image == null)) {
            throw new ParameterException(spec.commandLine(), file == null
                    ? "Missing FILE: give the jar or image archive to upload, or --image REF for an image the engine has."
                    : "Give either FILE or --image REF, not both.");
        }
        if (image != null) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "FILE '" + file + "': "
                    + (Files.isDirectory(file) ? "is a directory (expected: a jar or image archive)" : "no such file"));
        }
        if (!Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), "FILE '" + file + "': not readable (check its permissions)");
        }
    }

    @Override
    int call(ApolloClient client) {
        Pushed pushed = image != null ? client.pushImage(name, version, image) : client.pushArtifact(name, version, file);
        print(pushed.artifact(), sentence(pushed));
        return ExitCodes.OK;
    }

    private static String sentence(Pushed pushed) {
        ArtifactView artifact = pushed.artifact();
        String hash = ArtifactListCommand.shortHash(artifact.sha256());
        if (pushed.created()) {
            String what = artifact.image() != null ? "Recorded image " + artifact.image() + " as " : "Pushed ";
            return what + artifact.name() + ":" + artifact.version() + " (" + artifact.kind() + ", "
                    + ArtifactListCommand.size(artifact.size()) + ", sha256 " + hash + "). Deploy it with: apollo deploy " + artifact.name() + ":" + artifact.version() + " -n 2";
        }
        return artifact.name() + ":" + artifact.version() + " was already stored with the same "
                + (artifact.image() != null ? "image" : "bytes") + " (sha256 " + hash + ").";
    }
}
