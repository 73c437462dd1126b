package dev.apollo.core.config;

import dev.apollo.core.ApolloException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} in a configured value or argument, replaced by the platform's variable of that
 * name when an instance starts, so {@code --env SERVER_PORT='${PORT}'} and {@code --arg
 * '--port=${PORT}'} work. {@code $$} is a literal {@code $}.
 */
public final class Placeholders {
    /** The variables a value may refer to: what every instance is given. */
    public static final Set<String> KNOWN = Set.of("PORT", "RPC_INT", "APOLLO_ENV", "APOLLO_SERVICE", "APOLLO_VERSION",
            "APOLLO_INSTANCE_ID");
    private static final Pattern TOKEN = Pattern.compile("\\$\\$|\\$\\{([^}]*)}|\\$\\{");

    private Placeholders() {}

    /** Refuses a value that refers to a variable no instance is given, or leaves a {@code ${} open. */
    public static String check(String what, String template) {
        Matcher matcher = TOKEN.matcher(template);
        while (matcher.find()) {
            if (matcher.group().equals("$$")) {
                continue;
            }
            String name = matcher.group(1);
            if (name == null || !KNOWN.contains(name)) {
                throw new ApolloException.Invalid(what + " '" + template + "' refers to "
                        + (name == null ? "an unclosed ${" : "${" + name + "}") + ", which no instance is given; known: "
                        + String.join(", ", new TreeSet<>(KNOWN)) + " (write $$ for a literal $).");
            }
        }
        return template;
    }

    /** The value with every placeholder replaced; an unknown one is left as written. */
    public static String expand(String template, Map<String, String> variables) {
        Matcher matcher = TOKEN.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement = matcher.group().equals("$$") ? "$"
                    : matcher.group(1) != null && variables.containsKey(matcher.group(1)) ? variables.get(matcher.group(1))
                    : matcher.group();
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
