import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What Kafka's own consumer commits on unsubscribe and on close, for comparison with ours
 * (consumer_manual_auto_commit test).
 *
 * <pre>
 * UnsubscribePeer BOOTSTRAP GROUP TOPIC COUNT MODE [key=value consumer properties...]
 *   subscribes GROUP to TOPIC from the earliest offset with auto-commit on (interval 10 min
 *   unless overridden), polls until COUNT records arrived, then with MODE "unsubscribe"
 *   unsubscribes and closes, with MODE "close" only closes. The caller reads the group's
 *   committed offsets afterwards.
 * </pre>
 * Exit status 0 on success; 2 on bad arguments; 3 when COUNT records did not arrive in 60 s.
 */
public final class UnsubscribePeer {
    public static void main(String[] args) {
        if (args.length < 5 || !(args[4].equals("unsubscribe") || args[4].equals("close"))) {
            System.err.println("usage: UnsubscribePeer BOOTSTRAP GROUP TOPIC COUNT unsubscribe|close [k=v...]");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        props.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "600000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        PeerMetrics.setProperties(props, args, 5);
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
                got += consumer.poll(Duration.ofMillis(100)).count();
            }
            if (args[4].equals("unsubscribe")) {
                consumer.unsubscribe();
            }
        }
    }
}
