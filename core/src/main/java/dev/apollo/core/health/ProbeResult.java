package dev.apollo.core.health;

/** One probe's answer; {@code detail} says why it failed, for status, events and deploy errors. */
public record ProbeResult(boolean passed, String detail) {
    private static final ProbeResult PASSED = new ProbeResult(true, "");

    public ProbeResult {
        detail = detail == null ? "" : detail;
    }

    public static ProbeResult ok() {
        return PASSED;
    }

    public static ProbeResult failed(String detail) {
        return new ProbeResult(false, detail);
    }
}
