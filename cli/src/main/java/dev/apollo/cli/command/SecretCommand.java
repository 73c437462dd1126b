package dev.apollo.cli.command;

import dev.apollo.api.Views.SecretView;
import dev.apollo.cli.CliException;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.Table;
import dev.apollo.cli.render.Times;
import dev.apollo.client.ApolloClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "secret", mixinStandardHelpOptions = true,
        description = {"A service's secrets per environment: stored encrypted, given to instances as environment variables,"
                + " never shown.", "The next release gets them; 'apollo restart SERVICE' rolls the live one onto them."},
        subcommands = {SecretCommand.Set.class, SecretCommand.ListSecrets.class, SecretCommand.Remove.class})
public final class SecretCommand extends GroupCommand {
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set secret KEY of SERVICE to what standard input holds (or --from-file), never to a word of the"
                    + " command line, which would stay in the shell's history.")
    static final class Set extends ServiceCommand {
        @Parameters(index = "1", paramLabel = "KEY")
        private String name;

        @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from FILE, as it is.")
        private Path file;

        private String value;

        @Override
        void beforeConnecting() {
            value = file != null ? read(file) : readInput();
        }

        @Override
        int call(ApolloClient client) {
            SecretView secret = client.setSecret(environment.name(), service, name, value);
            print(secret, "Secret " + secret.name() + " of " + service + " in " + environment.name()
                    + " set (version " + secret.version() + "). The next release gets it: apollo restart " + service
                    + environment.flag());
            return ExitCodes.OK;
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
    static final class ListSecrets extends ServiceCommand {
        @Override
        int call(ApolloClient client) {
            List<SecretView> secrets = client.configuration(environment.name(), service).secrets();
            print(secrets, service + " has no secrets in " + environment.name() + ". Set one with: echo -n VALUE"
                    + " | apollo secret set " + service + " KEY" + environment.flag(), () -> {
                        Table table = new Table("KEY", "VERSION", "SET");
                        secrets.forEach(s -> table.row(s.name(), s.version(), Times.relative(s.setAt(), global.now())));
                        table.print(global.out());
                    });
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove secret KEY of SERVICE: new releases no longer get it; running ones keep theirs.")
    static final class Remove extends ServiceCommand {
        @Parameters(index = "1", paramLabel = "KEY")
        private String name;

        @Override
        int call(ApolloClient client) {
            client.removeSecret(environment.name(), service, name);
            say("Secret " + name + " of " + service + " removed from " + environment.name() + ".");
            return ExitCodes.OK;
        }
    }
}
