package io.baton.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.BatonException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedEnvironmentCloseTest {

    @Test
    void shouldCloseEveryComponentEvenWhenEarlierOnesFail() {
        List<String> closed = new ArrayList<>();
        AutoCloseable failingFirst = () -> {
            closed.add("first");
            throw new IllegalStateException("first failed");
        };
        AutoCloseable failingSecond = () -> {
            closed.add("second");
            throw new IllegalStateException("second failed");
        };
        AutoCloseable third = () -> closed.add("third");

        BatonException failure = EmbeddedEnvironment.closeAll(Path.of("/w"), failingFirst, null, failingSecond, third);

        assertThat(closed).containsExactly("first", "second", "third");
        assertThat(failure).hasMessageContaining("first failed").hasMessageContaining("/w");
        assertThat(failure.getSuppressed()).singleElement()
                .satisfies(suppressed -> assertThat(suppressed).hasMessage("second failed"));
    }

    @Test
    void shouldReportNothingWhenAllCloseCleanly() {
        assertThat(EmbeddedEnvironment.closeAll(Path.of("/w"), () -> { }, null)).isNull();
    }
}
