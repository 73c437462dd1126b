package dev.apollo.cli.command;

import picocli.CommandLine.Mixin;

/** A command that acts in one environment ({@code -e}, production without it): routes, externals, a service's. */
abstract class EnvironmentCommand extends ClientCommand {
    @Mixin
    EnvironmentOption environment;
}
