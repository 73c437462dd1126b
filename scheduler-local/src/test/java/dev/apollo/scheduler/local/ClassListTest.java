package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which lines of a recorded class list reach the JDK's parser. */
class ClassListTest {
    @Test
    void aLineStillBeingWrittenIsLeftOutEvenCutInsideACharacter() {
        byte[] name = "com/example/Caf\u00e9 id: 9\n".getBytes(StandardCharsets.UTF_8);
        byte[] cut = Arrays.copyOf(name, name.length - 8); // inside the two bytes of the é... and before its newline
        byte[] recorded = concat("java/lang/Object id: 0\n".getBytes(StandardCharsets.UTF_8), cut);

        assertThat(ClassList.completeLines(recorded)).containsExactly("java/lang/Object id: 0");
        assertThat(ClassList.completeLines(name)).containsExactly("com/example/Caf\u00e9 id: 9");
        assertThat(ClassList.completeLines(new byte[0])).isEmpty();
    }

    @Test
    void onlyTheShapesTheParserTakesAreKeptInTheirOrder() {
        List<String> lines = List.of(
                "# NOTE: Do not modify this file.",
                "java/lang/Object id: 0",
                "java/lang/String id: 1",
                "java/lang/Strijava/util/Map id: 2", // two writes run together: still one well-shaped name, kept
                "java/util/Map id: 1", // an id given twice: the parser stops at it
                "com/example/Plugin id: 3 super: 0 interfaces: 1 source: /opt/plugins/a.jar",
                "com/example/Orphan id: 4 source: /opt/plugins/a.jar", // a source without super
                "com/example/Loose id: 5 interfaces: 1", // interfaces without source
                "java/util/List id:", // cut before its number
                "@cp java/lang/Object 8 38 50",
                "@cp java/lang/Objcom/example/Foo", // run together with a class
                "@lambda-proxy java/lang/Thread run ()V ()Ljava/lang/Runnable; 6 java/lang/Thread lambda$x$0 ()V ()V",
                "@lambda-proxy java/lang/Thread run",
                "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.Invokers$Holder invoker (Ljava/lang/Object;)V",
                "@lambda-form-invoker java.lang.invoke.Invokers$Holder",
                "@bogus x",
                "",
                " java/lang/Integer");

        assertThat(ClassList.wellFormed(lines)).containsExactly(
                "java/lang/Object id: 0",
                "java/lang/String id: 1",
                "java/lang/Strijava/util/Map id: 2",
                "com/example/Plugin id: 3 super: 0 interfaces: 1 source: /opt/plugins/a.jar",
                "@cp java/lang/Object 8 38 50",
                "@lambda-proxy java/lang/Thread run ()V ()Ljava/lang/Runnable; 6 java/lang/Thread lambda$x$0 ()V ()V",
                "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.Invokers$Holder invoker (Ljava/lang/Object;)V");
    }

    @Test
    void theNamesAloneAreTheClassesOfTheJdkAndTheClassPath() {
        assertThat(ClassList.namesOnly(List.of("java/lang/Object id: 0", "java/lang/String",
                "com/example/Plugin id: 3 super: 0 source: /opt/a.jar", "@cp java/lang/Object 8")))
                .containsExactly("java/lang/Object", "java/lang/String");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
