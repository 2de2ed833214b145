import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's own producer's metrics, for comparison with ours (producer_metrics test).
 *
 * <pre>
 * MetricsPeer BOOTSTRAP TOPIC_A COUNT_A TOPIC_B COUNT_B [key=value producer properties...]
 *   sends COUNT_A records to TOPIC_A, then COUNT_B to TOPIC_B (record i: key "key-i", value
 *   "value-i", header "seq"="i", timestamp 1700000000000+i), waits for every acknowledgement,
 *   flushes, then prints every metric of groups producer-metrics, producer-topic-metrics and
 *   producer-node-metrics, one per line: group TAB name TAB tags (k=v sorted by key, joined
 *   by ",") TAB value TAB description
 * </pre>
 * Exit status 0 on success; 2 on bad arguments.
 */
public final class MetricsPeer {
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: MetricsPeer BOOTSTRAP TOPIC_A COUNT_A TOPIC_B COUNT_B [k=v...]");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        PeerMetrics.setProperties(props, args, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            send(producer, args[1], Integer.parseInt(args[2]), acks);
            send(producer, args[3], Integer.parseInt(args[4]), acks);
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            producer.flush();
            System.out.print(PeerMetrics.table(producer.metrics(),
                    Set.of("producer-metrics", "producer-topic-metrics", "producer-node-metrics",
                            "kafka-metrics-count")));
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int count,
            List<Future<RecordMetadata>> acks) {
        for (int i = 0; i < count; i++) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, BASE_TIMESTAMP + i,
                    ("key-" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + i).getBytes(StandardCharsets.UTF_8));
            record.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            acks.add(producer.send(record));
        }
    }
}
