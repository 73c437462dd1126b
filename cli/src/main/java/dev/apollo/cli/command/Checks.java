package dev.apollo.cli.command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Argument checks that need no server; their messages name the value and what was expected. */
final class Checks {
    private Checks() {}

    static void atLeast(CommandSpec spec, String name, Integer value, int min) {
        if (value != null && value < min) {
            throw new ParameterException(spec.commandLine(), name + ": " + value + " (expected: >= " + min + ")");
        }
    }

    static void artifact(CommandSpec spec, String artifact) {
        int colon = artifact.lastIndexOf(':');
        if (colon <= 0 || colon == artifact.length() - 1) {
            throw new ParameterException(spec.commandLine(),
                    "artifact '" + artifact + "': expected NAME:VERSION (e.g. web-service:1.0.0)");
        }
    }
}
