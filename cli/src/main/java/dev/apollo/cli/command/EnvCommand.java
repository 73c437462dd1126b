package dev.apollo.cli.command;

import dev.apollo.api.Views.EnvironmentView;
import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.Table;
import dev.apollo.client.ApolloClient;
import java.io.Console;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "env", mixinStandardHelpOptions = true,
        description = "Environments: isolated worlds of releases, routes and externals. production always exists.",
        subcommands = {EnvCommand.Create.class, EnvCommand.ListEnvironments.class, EnvCommand.Delete.class})
public final class EnvCommand extends GroupCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an environment; with --fallback, services it lacks are found in that one.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--fallback", paramLabel = "ENV", description = "Where calls for services this environment lacks go.")
        private String fallback;

        @Override
        int call(ApolloClient client) {
            EnvironmentView created = client.createEnvironment(name, Optional.ofNullable(fallback));
            print(created, "Created environment " + created.name()
                    + (created.fallback() == null ? "" : ", falling back to " + created.fallback())
                    + ". Deploy into it with: apollo artifact-deploy NAME:VERSION -e " + created.name());
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the environments.")
    static final class ListEnvironments extends ClientCommand {
        @Override
        int call(ApolloClient client) {
            List<EnvironmentView> environments = client.environments();
            if (global.json()) {
                global.printJson(environments);
            } else {
                Table table = new Table("ENV", "FALLBACK", "CREATED");
                environments.forEach(e -> table.row(e.name(), e.fallback() == null ? "-" : e.fallback(), e.createdAt()));
                table.print(global.out());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an environment: its services are undeployed, its routes and externals removed.")
    static final class Delete extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
        private boolean yes;

        @Override
        int call(ApolloClient client) {
            if (!yes) {
                long services = client.services(Optional.of(name)).size();
                Console console = System.console();
                if (console == null) {
                    throw new ParameterException(spec.commandLine(), "deleting environment " + name + " stops its "
                            + services + " service(s); pass --yes to confirm.");
                }
                String answer = console.readLine("Delete environment %s and stop its %d service(s)? [y/N] ", name, services);
                if (answer == null || !answer.strip().equalsIgnoreCase("y")) {
                    global.out().println("Nothing deleted.");
                    return ExitCodes.OK;
                }
            }
            List<ReleaseView> stopped = client.deleteEnvironment(name);
            print(stopped, "Deleted environment " + name + (stopped.isEmpty() ? "." : "; undeployed "
                    + String.join(", ", stopped.stream().map(r -> r.service() + ":" + r.version()).toList()) + "."));
            return ExitCodes.OK;
        }
    }
}
