package dev.apollo.cli.command;

import dev.apollo.api.Views.ProbeRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * A health probe as typed after {@code --readiness} or {@code --liveness}:
 * <ul>
 *   <li>{@code http:/PATH}: {@code GET /PATH}, passes on 2xx
 *   <li>{@code tcp}: a connect to the instance's port
 *   <li>{@code cmd:PROGRAM ARG...}: a program on the control plane's machine, passes on exit 0; the
 *       words are split at spaces, 'single' or "double" quotes keep spaces in a word, and a
 *       backslash outside single quotes takes the next character as it is; nothing is expanded,
 *       so {@code cmd:'check --name "a b"'} is three words
 * </ul>
 * Only the shape is checked here; the control plane judges the path and whether the program exists.
 */
final class ProbeOption {
    static final String SYNTAX = "http:/PATH, tcp or cmd:'PROGRAM ARG...'";

    private ProbeOption() {}

    static ProbeRequest parse(CommandSpec spec, String option, String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + " '" + text + "': " + e.getMessage()
                    + " (e.g. " + option + " http:/ready).");
        }
    }

    static ProbeRequest parse(String text) {
        if (text.equals("tcp")) {
            return ProbeRequest.tcp();
        }
        if (text.startsWith("http:")) {
            String path = text.substring("http:".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("expected a path starting with / after http:");
            }
            return ProbeRequest.http(path);
        }
        if (text.startsWith("cmd:")) {
            List<String> words = words(text.substring("cmd:".length()));
            if (words.isEmpty()) {
                throw new IllegalArgumentException("expected a program after cmd:");
            }
            return ProbeRequest.command(words);
        }
        throw new IllegalArgumentException("expected " + SYNTAX);
    }

    /** Splits a command line into words: at spaces, with quotes and backslashes as above, expanding nothing. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\\') {
                if (++i == line.length()) {
                    throw new IllegalArgumentException("a backslash ends the command; escape it as \\\\");
                }
                word.append(line.charAt(i));
                inWord = true;
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("the quote " + quote + " is never closed");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
