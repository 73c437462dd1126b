package dev.apollo.cli.command;

import dev.apollo.api.Views.ConfigurationView;
import dev.apollo.api.Views.SecretView;
import dev.apollo.cli.CliException;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.render.Table;
import dev.apollo.cli.render.Times;
import dev.apollo.client.ApolloClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

@Command(name = "secret", mixinStandardHelpOptions = true,
        description = {"A service's secrets per environment: stored encrypted, given to instances as environment variables,"
                + " never shown.", "The next release gets them; 'apollo restart SERVICE' rolls the live one onto them."},
        subcommands = {SecretCommand.Set.class, SecretCommand.ListSecrets.class, SecretCommand.Remove.class})
public final class SecretCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: set, list or remove.");
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set secret KEY of SERVICE to what standard input holds (or --from-file), never to a word of the"
                    + " command line, which would stay in the shell's history.")
    static final class Set implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(index = "0", paramLabel = "SERVICE")
        private String service;

        @Parameters(index = "1", paramLabel = "KEY")
        private String name;

        @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from FILE, as it is.")
        private Path file;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            String value = file != null ? read(file) : readInput();
            try (ApolloClient client = global.client()) {
                SecretView secret = client.setSecret(environment.name(), service, name, value);
                if (global.json()) {
                    global.printJson(secret);
                } else {
                    global.out().println("Secret " + secret.name() + " of " + service + " in " + environment.name()
                            + " set (version " + secret.version() + "). The next release gets it: apollo restart " + service
                            + environment.flag());
                }
                return ExitCodes.OK;
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CliException.failed("cannot read " + file + ": " + e.getMessage() + ". Give a readable file, or pipe the"
                        + " value on standard input.");
            }
        }

        /** One line typed or piped: the final line break is not part of a password. */
        private String readInput() {
            try {
                String value = new String(global.context().in().readAllBytes(), StandardCharsets.UTF_8);
                return value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                        : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            } catch (IOException e) {
                throw CliException.failed("cannot read the secret from standard input: " + e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "SERVICE's secrets: names, versions, when set.")
    static final class ListSecrets implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(index = "0", paramLabel = "SERVICE")
        private String service;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                ConfigurationView configuration = client.configuration(environment.name(), service);
                if (global.json()) {
                    global.printJson(configuration.secrets());
                } else if (configuration.secrets().isEmpty()) {
                    global.out().println(service + " has no secrets in " + environment.name() + ". Set one with: echo -n VALUE"
                            + " | apollo secret set " + service + " KEY" + environment.flag());
                } else {
                    Table table = new Table("KEY", "VERSION", "SET");
                    configuration.secrets().forEach(s -> table.row(s.name(), s.version(), Times.relative(s.setAt(),
                            global.now())));
                    table.print(global.out());
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove secret KEY of SERVICE: new releases no longer get it; running ones keep theirs.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(index = "0", paramLabel = "SERVICE")
        private String service;

        @Parameters(index = "1", paramLabel = "KEY")
        private String name;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                client.removeSecret(environment.name(), service, name);
                if (!global.json()) {
                    global.out().println("Secret " + name + " of " + service + " removed from " + environment.name() + ".");
                }
                return ExitCodes.OK;
            }
        }
    }
}
