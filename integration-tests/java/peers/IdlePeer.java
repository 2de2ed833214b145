import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's own clients closing idle connections (connections.max.idle.ms), for comparison with
 * ours (client_idle_connections test).
 *
 * <pre>
 * IdlePeer consumer BOOTSTRAP TOPIC DEADLINE_MS [key=value consumer properties...]
 *   assigns every partition of TOPIC (no group), polls 200 ms at a time until
 *   connection-close-total is at least 1 and one more second has passed, or DEADLINE_MS
 *   passed, then prints the groups consumer-metrics and consumer-node-metrics
 * IdlePeer admin BOOTSTRAP DEADLINE_MS [key=value admin properties...]
 *   describes the cluster, waits (checking every 100 ms) until connection-count is 0 or
 *   DEADLINE_MS passed since, describes the cluster again, then prints the groups
 *   admin-client-metrics and admin-client-node-metrics, and a line
 *   "idle-then TAB connection-count TAB connection-close-total" as they were before the
 *   second call
 * IdlePeer producer BOOTSTRAP TOPIC DEADLINE_MS [key=value producer properties...]
 *   the same with the producer: sends a record to TOPIC and waits for its acknowledgement,
 *   waits as the admin mode does, sends a second record, then prints the groups
 *   producer-metrics and producer-node-metrics and the idle-then line
 * </pre>
 * The metrics in the format of PeerMetrics.table, then a line "waited-ms TAB n": how long after
 * the (first) call the condition held or the deadline passed. Exit status 0; 2 on bad
 * arguments.
 */
public final class IdlePeer {
    public static void main(String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("consumer")) {
            consumer(args);
        } else if (args.length >= 3 && args[0].equals("admin")) {
            admin(args);
        } else if (args.length >= 4 && args[0].equals("producer")) {
            producer(args);
        } else {
            System.err.println("usage: IdlePeer consumer BOOTSTRAP TOPIC DEADLINE_MS [k=v...] | "
                    + "IdlePeer admin BOOTSTRAP DEADLINE_MS [k=v...] | "
                    + "IdlePeer producer BOOTSTRAP TOPIC DEADLINE_MS [k=v...]");
            System.exit(2);
        }
    }

    private static double value(Map<MetricName, ? extends Metric> metrics, String group, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (e.getKey().group().equals(group) && e.getKey().name().equals(name)) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new IllegalStateException(group + ":" + name + " is not registered");
    }

    private static void consumer(String[] args) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        PeerMetrics.setProperties(props, args, 4);
        long deadline = System.currentTimeMillis() + Long.parseLong(args[3]);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(args[2]).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            long start = System.currentTimeMillis();
            long closedAt = -1;
            while (System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200));
                long now = System.currentTimeMillis();
                if (closedAt < 0 && value(consumer.metrics(), "consumer-metrics", "connection-close-total") >= 1) {
                    closedAt = now;
                }
                if (closedAt >= 0 && now - closedAt >= 1000) {
                    break;
                }
            }
            System.out.print(PeerMetrics.table(consumer.metrics(),
                    Set.of("consumer-metrics", "consumer-node-metrics")));
            System.out.println("waited-ms\t" + ((closedAt < 0 ? System.currentTimeMillis() : closedAt) - start));
        }
    }

    /**
     * Waits (checking every 100 ms) until {@code group}'s connection-count is 0 or
     * {@code waitMs} passed, then makes {@code next} (a call that wakes the client's network
     * thread) and prints the groups {@code group} and {@code nodeGroup}, the waited-ms line
     * and the idle-then line.
     */
    private static void idleThenCall(Supplier<Map<MetricName, ? extends Metric>> metrics, String group,
            String nodeGroup, long waitMs, Callable<?> next) throws Exception {
        long start = System.currentTimeMillis();
        long deadline = start + waitMs;
        while (System.currentTimeMillis() < deadline && value(metrics.get(), group, "connection-count") > 0) {
            Thread.sleep(100);
        }
        long waited = System.currentTimeMillis() - start;
        double open = value(metrics.get(), group, "connection-count");
        double closed = value(metrics.get(), group, "connection-close-total");
        next.call();
        System.out.print(PeerMetrics.table(metrics.get(), Set.of(group, nodeGroup)));
        System.out.println("waited-ms\t" + waited);
        System.out.println("idle-then\t" + open + "\t" + closed);
    }

    private static void admin(String[] args) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        PeerMetrics.setProperties(props, args, 3);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get();
            idleThenCall(admin::metrics, "admin-client-metrics", "admin-client-node-metrics",
                    Long.parseLong(args[2]), () -> admin.describeCluster().nodes().get());
        }
    }

    private static void producer(String[] args) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        PeerMetrics.setProperties(props, args, 4);
        byte[] value = "idle".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(args[2], value)).get();
            idleThenCall(producer::metrics, "producer-metrics", "producer-node-metrics",
                    Long.parseLong(args[3]), () -> producer.send(new ProducerRecord<>(args[2], value)).get());
        }
    }
}
