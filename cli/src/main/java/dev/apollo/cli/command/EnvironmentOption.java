package dev.apollo.cli.command;

import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code -e/--environment} option of every command that works in an environment (see
 * {@link EnvironmentCommand}). Without it a command acts on production. The two where no
 * {@code -e} means every environment (the list of {@code apollo status}, {@code apollo gateway
 * config}) read {@link #given()} and word the option's help in their own resource bundle, under
 * the key {@code env}.
 *
 * <p>Not {@code --env}: on a deploy that sets a variable ({@code --env KEY=VALUE}), as in Docker.
 *
 * <p>The name goes to the control plane as typed: it knows which environments exist, and its
 * answer names what is wrong (e.g. {@code environment 'nope' does not exist. See them with: apollo env list}).
 */
final class EnvironmentOption {
    static final String DEFAULT = "production";

    @Option(names = {"-e", "--environment"}, paramLabel = "ENV", descriptionKey = "env",
            description = "Environment (default: " + DEFAULT + ").")
    private String given;

    /** The environment to act on: the one given, else production. */
    String name() {
        return given == null ? DEFAULT : given;
    }

    /** The environment given on the command line, if one was. */
    Optional<String> given() {
        return Optional.ofNullable(given);
    }

    /** What a suggested command line needs to act on the same environment: {@code " -e NAME"}, nothing for production. */
    String flag() {
        return name().equals(DEFAULT) ? "" : " -e " + given;
    }
}
