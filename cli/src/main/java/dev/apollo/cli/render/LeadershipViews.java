package dev.apollo.cli.render;

import dev.apollo.api.Views.ControlPlaneView;
import dev.apollo.api.Views.LeadershipView;
import java.io.PrintStream;
import java.time.Instant;

/** How `apollo status` shows the control planes sharing a store: which leads, the standbys and their last contact. */
public final class LeadershipViews {
    private LeadershipViews() {}

    public static void print(LeadershipView l, Instant now, PrintStream out) {
        out.println("control plane: " + l.id() + " is " + l.mode()
                + (l.leaderAddress() == null || l.leaderAddress().isEmpty() ? ""
                        : "; leader " + l.leaderId() + " at " + l.leaderAddress() + " (epoch " + l.epoch() + ")"));
        if (l.note() != null && !l.note().isEmpty()) {
            out.println("  " + l.note());
        }
        if (l.controlPlanes() == null || l.controlPlanes().isEmpty()) {
            return;
        }
        Table table = new Table("control plane", "address", "role", "last contact");
        for (ControlPlaneView member : l.controlPlanes()) {
            table.row(member.id(), member.address(), member.role(),
                    member.seenAt() == null ? "-" : Times.relative(member.seenAt(), now));
        }
        table.print(out);
    }
}
