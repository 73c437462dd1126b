package dev.apollo.cli.command;

import picocli.CommandLine.Parameters;

/**
 * A command about one SERVICE in an environment ({@code apollo scale web -n 3 -e stage1}): SERVICE
 * is its first positional parameter, so the ones a subclass adds start at index 1.
 */
abstract class ServiceCommand extends EnvironmentCommand {
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;
}
