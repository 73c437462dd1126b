package dev.apollo.cli.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void padsColumnsToTheWidestCellUnderAnUpperCaseHeader() {
        String text = new Table("id", "health", "exit")
                .row("web-service-3f9a1c0d", "healthy", null)
                .row("web-1", "starting", "exit code 1")
                .render();

        assertThat(text).isEqualTo("""
                ID                    HEALTH    EXIT
                web-service-3f9a1c0d  healthy   -
                web-1                 starting  exit code 1
                """);
    }

    @Test
    void headerOnlyWhenEmptyAndNoTrailingSpaces() {
        Table table = new Table("name", "version");

        assertThat(table.isEmpty()).isTrue();
        assertThat(table.render()).isEqualTo("NAME  VERSION\n");
    }

    @Test
    void rejectsARowOfTheWrongWidth() {
        assertThatThrownBy(() -> new Table("a", "b").row("only one"))
                .hasMessage("row of 1 cells (expected: 2)");
    }
}
