package dev.apollo.gateway.nginx;

/**
 * The instances the Lua balancer routes to, as the document nginx keeps in its shared memory: which
 * release serves each service in each environment, and that release's instances. {@code digest} is
 * what nginx answers on {@code GET /members} once it holds this document.
 */
public record Members(String text, String digest) {}
