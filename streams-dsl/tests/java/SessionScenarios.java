// Session-windowed aggregations (Java's SessionWindowedKStream): count with Materialized, reduce
// with and without Materialized, aggregate without Materialized, emit-final results
// (EmitStrategy.onWindowClose) and uncached stores. Inputs: scenarios-session.txt.

import java.time.Duration;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.SessionStore;

public class SessionScenarios {
    static final SessionWindows GAP_10_GRACE_5 =
        SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(10), Duration.ofMillis(5));

    static <V> Produced<org.apache.kafka.streams.kstream.Windowed<String>, V> produced(
            org.apache.kafka.common.serialization.Serde<V> value) {
        return Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), value);
    }

    static {
        DslExpectations.SCENARIOS.put("session_reduce", new DslExpectations.Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(GAP_10_GRACE_5)
                .reduce((a, c) -> a + "+" + c)
                .toStream()
                .to("out", produced(DslExpectations.S));
        }).out("out", DslExpectations.sessionWindowed(), DslExpectations.S.deserializer()));

        DslExpectations.SCENARIOS.put("session_reduce_materialized", new DslExpectations.Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(GAP_10_GRACE_5)
                .reduce((a, c) -> a + "+" + c,
                    Materialized.<String, String, SessionStore<Bytes, byte[]>>as("sess-reduce"))
                .toStream()
                .to("out", produced(DslExpectations.S));
        }).out("out", DslExpectations.sessionWindowed(), DslExpectations.S.deserializer()));

        // An unnamed count(Materialized) draws a store name it discards, shifting the names
        // generated after it; a named one names store and changelog.
        DslExpectations.SCENARIOS.put("session_count_materialized", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey();
            g.windowedBy(GAP_10_GRACE_5)
                .count(Materialized.with(DslExpectations.S, DslExpectations.L))
                .toStream()
                .to("out-with", produced(DslExpectations.L));
            g.windowedBy(GAP_10_GRACE_5)
                .count(Materialized.<String, Long, SessionStore<Bytes, byte[]>>as("sess-count"))
                .toStream()
                .to("out-named", produced(DslExpectations.L));
            g.windowedBy(GAP_10_GRACE_5)
                .count()
                .toStream()
                .to("out-plain", produced(DslExpectations.L));
        }).out("out-with", DslExpectations.sessionWindowed(), DslExpectations.L.deserializer())
          .out("out-named", DslExpectations.sessionWindowed(), DslExpectations.L.deserializer())
          .out("out-plain", DslExpectations.sessionWindowed(), DslExpectations.L.deserializer()));

        DslExpectations.SCENARIOS.put("session_aggregate", new DslExpectations.Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(GAP_10_GRACE_5)
                .aggregate(() -> "", (k, v, agg) -> agg + v, (k, a1, a2) -> a1 + "|" + a2)
                .toStream()
                .to("out", produced(DslExpectations.S));
        }).out("out", DslExpectations.sessionWindowed(), DslExpectations.S.deserializer()));

        DslExpectations.SCENARIOS.put("session_emit_final_count", new DslExpectations.Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(GAP_10_GRACE_5)
                .emitStrategy(EmitStrategy.onWindowClose())
                .count()
                .toStream()
                .to("out", produced(DslExpectations.L));
        }).out("out", DslExpectations.sessionWindowed(), DslExpectations.L.deserializer()));

        // Caching asked for, which emit-final session stores go without.
        DslExpectations.SCENARIOS.put("session_emit_final_reduce", new DslExpectations.Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(10)))
                .emitStrategy(EmitStrategy.onWindowClose())
                .reduce((a, c) -> a + "+" + c,
                    Materialized.<String, String, SessionStore<Bytes, byte[]>>as("final-reduce")
                        .withCachingEnabled())
                .toStream()
                .to("out", produced(DslExpectations.S));
        }).out("out", DslExpectations.sessionWindowed(), DslExpectations.S.deserializer()));

        DslExpectations.SCENARIOS.put("session_uncached", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey();
            g.windowedBy(GAP_10_GRACE_5)
                .reduce((a, c) -> a + "+" + c,
                    Materialized.<String, String, SessionStore<Bytes, byte[]>>as("nocache-reduce")
                        .withCachingDisabled())
                .toStream()
                .to("out-reduce", produced(DslExpectations.S));
            g.windowedBy(GAP_10_GRACE_5)
                .count(Materialized.<String, Long, SessionStore<Bytes, byte[]>>as("nocache-count")
                    .withCachingDisabled())
                .toStream()
                .to("out-count", produced(DslExpectations.L));
        }).out("out-reduce", DslExpectations.sessionWindowed(), DslExpectations.S.deserializer())
          .out("out-count", DslExpectations.sessionWindowed(), DslExpectations.L.deserializer()));
    }
}
