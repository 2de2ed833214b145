// Java's answers for sliding-window aggregations beyond count() and aggregate(Materialized):
// reduce, count(Materialized / Named), aggregate without Materialized, emit-final
// (EmitStrategy.onWindowClose()) and caching disabled. Inputs live in scenarios-sliding.txt.

import java.time.Duration;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.WindowStore;

public class SlidingScenarios {
    static Produced<Windowed<String>, String> strings() {
        return Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), DslExpectations.S);
    }

    static Produced<Windowed<String>, Long> longs() {
        return Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), DslExpectations.L);
    }

    static SlidingWindows withGrace(long grace) {
        return SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(grace));
    }

    static {
        DslExpectations.SCENARIOS.put("sliding_reduce", new DslExpectations.Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(withGrace(20))
                .reduce((a, c) -> a + "+" + c)
                .toStream()
                .to("out", strings());
        }).out("out", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer()));

        // A named store: its changelog, byte for byte.
        DslExpectations.SCENARIOS.put("sliding_reduce_mat", new DslExpectations.Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(withGrace(20))
                .reduce((a, c) -> a + "+" + c,
                    Materialized.<String, String, WindowStore<Bytes, byte[]>>as("slide-reduce-store"))
                .toStream()
                .to("out", strings());
        }).out("out", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer()));

        // count(Materialized) named and unnamed, and count(Named), each after its own
        // repartition: node, store and topic names and their generated indices.
        DslExpectations.SCENARIOS.put("sliding_count_mat", new DslExpectations.Scenario(b -> {
            KStream<String, String> s = b.stream("in");
            s.groupBy((k, v) -> k)
                .windowedBy(withGrace(5))
                .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("slide-count-store"))
                .toStream()
                .to("out1", longs());
            s.groupBy((k, v) -> k)
                .windowedBy(withGrace(5))
                .count(Materialized.with(DslExpectations.S, DslExpectations.L))
                .toStream()
                .to("out2", longs());
            s.groupBy((k, v) -> k)
                .windowedBy(withGrace(5))
                .count(Named.as("slide-named-count"))
                .toStream()
                .to("out3", longs());
        }).out("out1", DslExpectations.timeWindowed(10), DslExpectations.L.deserializer())
          .out("out2", DslExpectations.timeWindowed(10), DslExpectations.L.deserializer())
          .out("out3", DslExpectations.timeWindowed(10), DslExpectations.L.deserializer()));

        // aggregate(init, agg) and aggregate(init, agg, Named): default serdes, generated store.
        DslExpectations.SCENARIOS.put("sliding_aggregate_plain", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey();
            g.windowedBy(withGrace(20))
                .aggregate(() -> "", (k, v, agg) -> agg + v)
                .toStream()
                .to("out", strings());
            g.windowedBy(withGrace(20))
                .aggregate(() -> "<", (k, v, agg) -> agg + v, Named.as("slide-agg"))
                .toStream()
                .to("out-named", strings());
        }).out("out", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer())
          .out("out-named", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer()));

        DslExpectations.SCENARIOS.put("sliding_emit_final_count", new DslExpectations.Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(withGrace(5))
                .emitStrategy(EmitStrategy.onWindowClose())
                .count()
                .toStream()
                .to("out", longs());
        }).out("out", DslExpectations.timeWindowed(10), DslExpectations.L.deserializer()));

        DslExpectations.SCENARIOS.put("sliding_emit_final_reduce", new DslExpectations.Scenario(b -> {
            b.<String, String>stream("in")
                .groupByKey()
                .windowedBy(withGrace(5))
                .emitStrategy(EmitStrategy.onWindowClose())
                .reduce((a, c) -> a + "+" + c,
                    Materialized.<String, String, WindowStore<Bytes, byte[]>>as("ef-reduce-store"))
                .toStream()
                .to("out", strings());
        }).out("out", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer()));

        DslExpectations.SCENARIOS.put("sliding_uncached", new DslExpectations.Scenario(b -> {
            KGroupedStream<String, String> g = b.<String, String>stream("in").groupByKey();
            g.windowedBy(withGrace(20))
                .aggregate(() -> "", (k, v, agg) -> agg + v,
                    Materialized.<String, String, WindowStore<Bytes, byte[]>>as("slide-uncached")
                        .withCachingDisabled())
                .toStream()
                .to("out-agg", strings());
            g.windowedBy(withGrace(20))
                .reduce((a, c) -> a + "+" + c,
                    Materialized.<String, String, WindowStore<Bytes, byte[]>>with(DslExpectations.S, DslExpectations.S)
                        .withCachingDisabled())
                .toStream()
                .to("out-reduce", strings());
        }).out("out-agg", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer())
          .out("out-reduce", DslExpectations.timeWindowed(10), DslExpectations.S.deserializer()));
    }
}
