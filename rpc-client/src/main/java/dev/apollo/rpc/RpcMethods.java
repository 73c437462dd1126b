package dev.apollo.rpc;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The remote methods of a service interface, by name: its abstract methods. Default methods are local conveniences
 * on both sides (they may call the remote ones), and names must be unique because a call names only the method.
 */
final class RpcMethods {
    private RpcMethods() {}

    static Map<String, Method> of(Class<?> iface) {
        Objects.requireNonNull(iface, "iface");
        if (!iface.isInterface()) {
            throw new IllegalArgumentException(
                    "iface: " + iface.getName() + " (expected: an interface, whose methods are the remote calls)");
        }
        Map<String, Method> methods = new TreeMap<>();
        for (Method method : iface.getMethods()) {
            if (!Modifier.isAbstract(method.getModifiers())) {
                continue;
            }
            Method clash = methods.putIfAbsent(method.getName(), method);
            if (clash != null) {
                throw new IllegalArgumentException(iface.getSimpleName() + " has overloaded methods named '"
                        + method.getName() + "' (" + signature(clash) + " and " + signature(method)
                        + "); an RPC call names only the method, so give each overload a name of its own.");
            }
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException(iface.getName() + " has no abstract methods to call remotely.");
        }
        return methods;
    }

    /** {@code sayHello(String)}: how methods are named in messages. */
    static String signature(Method method) {
        return method.getName() + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }
}
