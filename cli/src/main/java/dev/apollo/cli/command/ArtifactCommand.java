package dev.apollo.cli.command;

import picocli.CommandLine.Command;

@Command(name = "artifact", mixinStandardHelpOptions = true,
        description = "Store runnable jars in the control plane, and list them.",
        subcommands = {ArtifactPushCommand.class, ArtifactListCommand.class})
public final class ArtifactCommand extends GroupCommand {}
