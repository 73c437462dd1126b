package dev.apollo.cli;

/** How commands print results: tables and sentences for people, JSON for scripts. */
public enum Output {
    TABLE,
    JSON
}
