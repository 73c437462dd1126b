package dev.apollo.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "artifact", mixinStandardHelpOptions = true,
        description = "Store runnable jars in the control plane, and list them.",
        subcommands = {ArtifactPushCommand.class, ArtifactListCommand.class})
public final class ArtifactCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: push or list.");
    }
}
