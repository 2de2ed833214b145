import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka's own consumer's metrics, for comparison with ours (consumer_metrics test).
 *
 * <pre>
 * ConsumerMetricsPeer BOOTSTRAP GROUP TOPIC COUNT [key=value consumer properties...]
 *   subscribes GROUP to TOPIC from the earliest offset, polls until COUNT records arrived,
 *   commits them synchronously, polls once more for 1 s (so lag is recorded at the end position,
 *   and the request counts include an idle stretch of long-polling fetches), then
 *   prints every metric of groups consumer-fetch-manager-metrics, consumer-metrics,
 *   consumer-coordinator-metrics and consumer-node-metrics, one per line:
 *   group TAB name TAB tags (k=v sorted by key, joined by ",") TAB value TAB description
 * </pre>
 * Exit status 0 on success; 2 on bad arguments; 3 when COUNT records did not arrive in 60 s.
 */
public final class ConsumerMetricsPeer {
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ConsumerMetricsPeer BOOTSTRAP GROUP TOPIC COUNT [k=v...]");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        PeerMetrics.setProperties(props, args, 4);
        int want = Integer.parseInt(args[3]);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(args[2]));
            long deadline = System.currentTimeMillis() + 60_000;
            int got = 0;
            while (got < want) {
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("only " + got + " of " + want + " records arrived");
                    System.exit(3);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                got += records.count();
            }
            consumer.commitSync();
            consumer.poll(Duration.ofMillis(1000));
            System.out.print(PeerMetrics.table(consumer.metrics(), Set.of(
                    "consumer-fetch-manager-metrics", "consumer-metrics", "consumer-coordinator-metrics",
                    "consumer-node-metrics", "kafka-metrics-count")));
        }
    }
}
