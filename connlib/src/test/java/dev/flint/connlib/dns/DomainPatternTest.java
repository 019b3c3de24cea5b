package dev.flint.connlib.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every matching case the data-plane and portal references list (§4.4 / portal §3.2), plus the specificity order. */
class DomainPatternTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        // ** matches zero or more labels
        "**.example.com, example.com, true",
        "**.example.com, foo.example.com, true",
        "**.example.com, foo.bar.example.com, true",
        "app.**.example.com, app.x.y.example.com, true",
        "app.**.web.**.example.com, app.web.example.com, true",
        "app.**.web.**.example.com, app.a.web.b.c.example.com, true",
        "app.**.web.**.example.com, app.example.com, false",
        // *.x also matches x; * stays within one label
        "*.example.com, example.com, true",
        "*.example.com, foo.example.com, true",
        "*.example.com, a.b.example.com, false",
        "app.*.example.com, app.foo.bar.example.com, false",
        "app.*.example.com, app.foo.example.com, true",
        "app.*com, app.foo.com, false",
        "app.*com, app.foocom, true",
        "*ample.com, example.com, true",
        "*ample.com, ex.ample.com, false",
        // ? is exactly one character, never a dot
        "app.f??.example.com, app.foo.example.com, true",
        "app.f??.example.com, app.fo.example.com, false",
        "app.f??.example.com, app.fooo.example.com, false",
        "app?com, app.com, false",
        "?.example.com, a.example.com, true",
        "?.example.com, example.com, false",
        "?.example.com, ab.example.com, false",
        // exact names, case-insensitively, trailing dot tolerated
        "example.com, example.com, true",
        "example.com, EXAMPLE.Com, true",
        "Example.COM, example.com., true",
        "example.com, foo.example.com, false",
        "foo.example.com, example.com, false",
        "*.com, example.com, true",
        "*.com, com, true",
        "*.com, a.example.com, false",
    })
    void matches(String pattern, String domain, boolean expected) {
        assertThat(DomainPattern.of(pattern).matches(domain)).isEqualTo(expected);
    }

    @Test
    void specificityOrderIsFirezones() {
        List<DomainPattern> shuffled = List.of("**.example.com", "bar.example.com", "foo.example.com", "example.com",
                "*ample.com", "*.bar.example.com", "?.example.com", "*.com", "*.example.com")
                .stream().map(DomainPattern::of).toList();
        assertThat(DomainPattern.bySpecificity(shuffled)).extracting(DomainPattern::pattern).containsExactly(
                "example.com", "bar.example.com", "*.bar.example.com", "foo.example.com", "?.example.com",
                "*.example.com", "**.example.com", "*ample.com", "*.com");
    }

    @Test
    void orderIsAntisymmetric() {
        List<String> ps = List.of("a.com", "*.a.com", "?.a.com", "**.a.com", "b.a.com", "*", "**", "?", "x*.a.com");
        for (String a : ps) {
            for (String b : ps) {
                int ab = DomainPattern.of(a).compareTo(DomainPattern.of(b));
                int ba = DomainPattern.of(b).compareTo(DomainPattern.of(a));
                assertThat(Integer.signum(ab)).as(a + " vs " + b).isEqualTo(-Integer.signum(ba));
                assertThat(ab == 0).isEqualTo(a.equals(b));
            }
        }
    }
}
