package dev.apollo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutePathTest {

    @Test
    void matchesItselfAndBelowButNotALongerWord() {
        RoutePath path = RoutePath.of("/a-path");
        assertThat(path.matches("/a-path")).isTrue();
        assertThat(path.matches("/a-path/")).isTrue();
        assertThat(path.matches("/a-path/x/y")).isTrue();
        assertThat(path.matches("/a-pathology")).isFalse();
        assertThat(path.matches("/b")).isFalse();
        assertThat(RoutePath.of("/").matches("/anything")).isTrue();
    }

    @Test
    void sortsLongestFirst() {
        List<String> sorted = Stream.of("/", "/shop", "/shop/cart", "/a").map(RoutePath::of).sorted()
                .map(RoutePath::value).toList();
        assertThat(sorted).containsExactly("/shop/cart", "/shop", "/a", "/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a-path", "/a-path/", "//", "/a//b", "/a/../b", "/..", "/a b", "/a?x", "/%2e"})
    void refusesPathsThatAreNotPlainPrefixes(String value) {
        assertThatThrownBy(() -> RoutePath.of(value)).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("route path");
    }
}
