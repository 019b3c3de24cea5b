package dev.flint.ipc.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LogFilterTest {

    private static LogFilter valid(String text) {
        LogFilterParse parse = LogFilter.parse(text);
        assertThat(parse).isInstanceOf(LogFilterParse.Valid.class);
        return ((LogFilterParse.Valid) parse).filter();
    }

    @Test
    void firezoneStyleFiltersParse() {
        assertThat(valid("info")).isEqualTo(new LogFilter(LogLevel.INFO, Map.of()));
        assertThat(valid(" DEBUG ")).isEqualTo(new LogFilter(LogLevel.DEBUG, Map.of()));
        assertThat(valid("dev.flint.connlib=debug,info"))
                .isEqualTo(new LogFilter(LogLevel.INFO, Map.of("dev.flint.connlib", LogLevel.DEBUG)));
        assertThat(valid("firezone_tunnel=trace,phoenix_channel::client=warning"))
                .isEqualTo(new LogFilter(LogLevel.ERROR, Map.of("firezone_tunnel", LogLevel.TRACE, "phoenix_channel.client", LogLevel.WARN)));
        assertThat(valid("a=debug,warn,a=off")).isEqualTo(new LogFilter(LogLevel.WARN, Map.of("a", LogLevel.OFF)));
    }

    @Test
    void directivesRoundTrip() {
        LogFilter filter = valid("dev.flint.connlib=debug,io.netty=warn,info");
        assertThat(filter.directives()).isEqualTo("dev.flint.connlib=debug,io.netty=warn,info");
        assertThat(valid(filter.directives())).isEqualTo(filter);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''                        | ''           | empty
            'inof'                    | inof         | not a level
            'info,'                   | ''           | empty directive
            'dev.flint=loud,info'     | dev.flint=loud | "loud" is not a level
            '=debug'                  | =debug       | is not a logger name
            'dev flint=debug'         | dev flint=debug | is not a logger name
            'info,,debug'             | ''           | stray comma
            """)
    void invalidFiltersNameTheBadDirective(String text, String directive, String problem) {
        LogFilterParse parse = LogFilter.parse(text);
        assertThat(parse).isInstanceOf(LogFilterParse.Invalid.class);
        var invalid = (LogFilterParse.Invalid) parse;
        assertThat(invalid.directive().strip()).isEqualTo(directive);
        assertThat(invalid.problem()).contains(problem);
        assertThat(invalid.sentence()).contains(directive);
    }
}
