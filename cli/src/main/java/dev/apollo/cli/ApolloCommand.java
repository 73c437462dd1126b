package dev.apollo.cli;

import dev.apollo.cli.command.ArtifactCommand;
import dev.apollo.cli.command.ConfigCommand;
import dev.apollo.cli.command.DashboardCommand;
import dev.apollo.cli.command.DemoCommand;
import dev.apollo.cli.command.DeployCommand;
import dev.apollo.cli.command.DownCommand;
import dev.apollo.cli.command.EnvCommand;
import dev.apollo.cli.command.ExternalCommand;
import dev.apollo.cli.command.GatewayCommand;
import dev.apollo.cli.command.HistoryCommand;
import dev.apollo.cli.command.LogsCommand;
import dev.apollo.cli.command.RestartCommand;
import dev.apollo.cli.command.RollbackCommand;
import dev.apollo.cli.command.RouteCommand;
import dev.apollo.cli.command.ScaleCommand;
import dev.apollo.cli.command.SecretCommand;
import dev.apollo.cli.command.ServiceUnitCommand;
import dev.apollo.cli.command.StatusCommand;
import dev.apollo.cli.command.TestbedCommand;
import dev.apollo.cli.command.UndeployCommand;
import dev.apollo.cli.command.UpCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "apollo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Deploy, run, keep healthy and find microservices.",
        subcommands = {
            UpCommand.class,
            DownCommand.class,
            ServiceUnitCommand.class,
            DemoCommand.class,
            ArtifactCommand.class,
            DeployCommand.class,
            StatusCommand.class,
            ScaleCommand.class,
            UndeployCommand.class,
            HistoryCommand.class,
            LogsCommand.class,
            RollbackCommand.class,
            RestartCommand.class,
            ConfigCommand.class,
            SecretCommand.class,
            TestbedCommand.class,
            RouteCommand.class,
            EnvCommand.class,
            ExternalCommand.class,
            GatewayCommand.class,
            DashboardCommand.class
        },
        footer = {"", "Start with: apollo demo"})
public final class ApolloCommand implements Runnable {
    @Mixin
    private GlobalOptions globals;

    @Spec
    private CommandSpec spec;

    private final Context context;

    public ApolloCommand(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    GlobalOptions globals() {
        return globals;
    }

    /** Without a command: show what there is to type. */
    @Override
    public void run() {
        spec.commandLine().usage(context.out());
    }
}
