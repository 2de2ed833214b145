// Java's answers for windowed cogroups: CogroupedKStream.windowedBy(TimeWindows / SlidingWindows
// / SessionWindows).aggregate(...), where every input gets its own window aggregate processor
// over one shared store and a pass-through merge node. Inputs live in scenarios-cogroup.txt.

import java.time.Duration;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;

public class CogroupScenarios {
    static Produced<Windowed<String>, String> timed() {
        return Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), DslExpectations.S);
    }

    static Produced<Windowed<String>, String> sessions() {
        return Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), DslExpectations.S);
    }

    static {
        // Tumbling windows with grace: late records inside the grace period still count, later
        // ones are dropped; a suppression downstream waits for the windows' grace. (Java's
        // windowed cogroup gives its table a key serde only from the Materialized: without one
        // the suppression buffer would serialize windowed keys with the default serde.)
        DslExpectations.SCENARIOS.put("cogroup_tumbling", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g1 = b.<String, String>stream("in1").groupByKey();
            KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
            KTable<Windowed<String>, String> t = g1.cogroup((String k, String v, String agg) -> agg + "1" + v)
                .cogroup(g2, (k, v, agg) -> agg + "2" + v)
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
                .aggregate(() -> "", Materialized.with(DslExpectations.S, DslExpectations.S));
            t.toStream().to("out", timed());
            t.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream()
                .to("out-final", timed());
        }).out("out", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer())
          .out("out-final", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer()));

        // Hopping windows into a named store (its changelog, byte for byte).
        DslExpectations.SCENARIOS.put("cogroup_hopping_mat", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g1 = b.<String, String>stream("in1").groupByKey();
            KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
            g1.cogroup((String k, String v, String agg) -> agg + "1" + v)
                .cogroup(g2, (k, v, agg) -> agg + "2" + v)
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10)).advanceBy(Duration.ofMillis(5)))
                .aggregate(() -> "<",
                    Materialized.<String, String, WindowStore<Bytes, byte[]>>as("cogroup-hop-store"))
                .toStream()
                .to("out", timed());
        }).out("out", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer()));

        // Sliding windows: each input's KStreamSlidingWindowAggregate on the shared store.
        DslExpectations.SCENARIOS.put("cogroup_sliding", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g1 = b.<String, String>stream("in1").groupByKey();
            KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
            g1.cogroup((String k, String v, String agg) -> agg + "1" + v)
                .cogroup(g2, (k, v, agg) -> agg + "2" + v)
                .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
                .aggregate(() -> "")
                .toStream()
                .to("out", timed());
        }).out("out", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer()));

        // Sessions merged across inputs, into a named store; a suppression downstream waits for
        // the gap plus the grace period.
        DslExpectations.SCENARIOS.put("cogroup_session", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g1 = b.<String, String>stream("in1").groupByKey();
            KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
            KTable<Windowed<String>, String> t = g1.cogroup((String k, String v, String agg) -> agg + "1" + v)
                .cogroup(g2, (k, v, agg) -> agg + "2" + v)
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(3)))
                .aggregate(() -> "", (k, a, c) -> a + "|" + c,
                    Materialized.<String, String, SessionStore<Bytes, byte[]>>as("cogroup-session-store")
                        .withKeySerde(DslExpectations.S));
            t.toStream().to("out", sessions());
            t.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream()
                .to("out-final", sessions());
        }).out("out", DslExpectations.sessionWindowed(), DslExpectations.S.deserializer())
          .out("out-final", DslExpectations.sessionWindowed(), DslExpectations.S.deserializer()));

        // Key-changed inputs: each is repartitioned first, the unnamed one after the store, the
        // grouped-with-a-name one after its name.
        DslExpectations.SCENARIOS.put("cogroup_windowed_rekey", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g1 = b.<String, String>stream("in1").selectKey((k, v) -> v).groupByKey();
            KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
            KGroupedStream<String, String> g3 = b.<String, String>stream("in3").groupBy((k, v) -> v, Grouped.as("third"));
            g1.cogroup((String k, String v, String agg) -> agg + "1" + v)
                .cogroup(g2, (k, v, agg) -> agg + "2" + v)
                .cogroup(g3, (k, v, agg) -> agg + "3" + k)
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
                .aggregate(() -> "")
                .toStream()
                .to("out", timed());
        }).out("out", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer()));

        // Key-changed inputs into sessions.
        DslExpectations.SCENARIOS.put("cogroup_session_rekey", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g1 = b.<String, String>stream("in1").selectKey((k, v) -> v).groupByKey();
            KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
            g1.cogroup((String k, String v, String agg) -> agg + "1" + k)
                .cogroup(g2, (k, v, agg) -> agg + "2" + v)
                .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(5)))
                .aggregate(() -> "", (k, a, c) -> a + "|" + c)
                .toStream()
                .to("out", sessions());
        }).out("out", DslExpectations.sessionWindowed(), DslExpectations.S.deserializer()));
    }
}
