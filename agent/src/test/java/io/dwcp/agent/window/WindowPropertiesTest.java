package io.dwcp.agent.window;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Any sequence of valid samples keeps the window store's invariants. */
class WindowPropertiesTest {
    record Sample(String key, float value, long dtNanos) {}

    @Provide
    Arbitrary<List<Sample>> samples() {
        Arbitrary<String> keys = Arbitraries.of("a", "b", "c", "d", "e", "f", "g");
        Arbitrary<Float> values = Arbitraries.floats().between(0, 1e6f);
        Arbitrary<Long> gaps = Arbitraries.longs().between(0, 50);
        return Combinators.combine(keys, values, gaps).as(Sample::new).list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void windowsHoldExactlyTheNewestSamplesInOrderAndKeysStayBounded(@ForAll("samples") List<Sample> seq,
            @ForAll @IntRange(min = 1, max = 12) int capacity, @ForAll @IntRange(min = 1, max = 5) int maxKeys,
            @ForAll @IntRange(min = 1, max = 400) int idle) {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        WindowStore store = new WindowStore("p", capacity, 2, maxKeys, idle, reg);
        Map<String, ArrayDeque<Float>> model = new HashMap<>();
        Map<String, Long> addedSinceCreated = new HashMap<>(); // what RingWindow.added() must say
        List<String> evicted = new ArrayList<>();
        store.onEvict(evicted::add);
        long now = 0;
        for (Sample s : seq) {
            now += s.dtNanos();
            RingWindow w = store.add(s.key(), new float[] {s.value(), -s.value()}, now, now);
            for (String k : evicted) {
                model.remove(k);
                addedSinceCreated.remove(k);
            }
            evicted.clear();
            check(w.added() == addedSinceCreated.merge(s.key(), 1L, Long::sum), "added " + w.added());
            ArrayDeque<Float> q = model.computeIfAbsent(s.key(), k -> new ArrayDeque<>());
            q.addLast(s.value());
            if (q.size() > capacity) {
                q.removeFirst();
            }
            check(w.size() <= capacity && w.size() == q.size(), "size " + w.size() + " vs " + q.size());
            float[][] snap = w.snapshot();
            int i = 0;
            for (float v : q) {
                check(snap[i][0] == v && snap[i][1] == -v, "order at " + i);
                i++;
            }
            check(store.size() <= maxKeys, "keys " + store.size() + " > " + maxKeys);
            if (now % 7 == 0) {
                store.evictIdle(now);
                for (String k : evicted) {
                    model.remove(k);
                    addedSinceCreated.remove(k);
                }
                evicted.clear();
            }
            check(store.size() == model.size(), "store " + store.size() + " vs model " + model.size());
        }
        double tracked = reg.get("dwcp.windows.tracked").gauge().value();
        check(tracked == store.size(), "gauge " + tracked + " vs " + store.size());
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
