import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What Kafka's own consumer tells its rebalance listener when it leaves its group, for
 * comparison with ours (consumer_leave_callbacks test).
 *
 * <pre>
 * LeavePeer BOOTSTRAP GROUP TOPIC PARTITIONS MODE [key=value consumer properties...]
 *   subscribes GROUP to TOPIC with a listener that prints one line per callback
 *   ("assigned 0,1", "revoked 0,1", "lost 0,1": the partition numbers, sorted), polls until it
 *   owns PARTITIONS partitions, then with MODE
 *     close        closes;
 *     unsubscribe  unsubscribes, then closes;
 *     stall        stops polling until the group has no members (the consumer left on
 *                  max.poll.interval.ms; read with an Admin client), then closes;
 *     stall-unsubscribe  the same, then unsubscribes and closes.
 *   Prints "closed" last.
 * </pre>
 * Exit status 0 on success; 2 on bad arguments; 3 when the partitions did not arrive or the
 * member did not leave within 60 s.
 */
public final class LeavePeer {
    private static String numbers(Collection<TopicPartition> partitions) {
        return partitions.stream()
                .map(TopicPartition::partition)
                .sorted()
                .map(String::valueOf)
                .collect(Collectors.joining(","));
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5
                || !List.of("close", "unsubscribe", "stall", "stall-unsubscribe").contains(args[4])) {
            System.err.println("usage: LeavePeer BOOTSTRAP GROUP TOPIC PARTITIONS"
                    + " close|unsubscribe|stall|stall-unsubscribe [k=v...]");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        PeerMetrics.setProperties(props, args, 5);
        int want = Integer.parseInt(args[3]);
        ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                System.out.println("revoked " + numbers(partitions));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                System.out.println("assigned " + numbers(partitions));
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                System.out.println("lost " + numbers(partitions));
            }
        };
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(args[2]), listener);
            long deadline = System.currentTimeMillis() + 60_000;
            while (consumer.assignment().size() < want) {
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("owns " + consumer.assignment() + ", not " + want + " partitions");
                    System.exit(3);
                }
                consumer.poll(Duration.ofMillis(100));
            }
            switch (args[4]) {
                case "unsubscribe":
                    consumer.unsubscribe();
                    break;
                case "stall":
                case "stall-unsubscribe":
                    Properties adminProps = new Properties();
                    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
                    try (Admin admin = Admin.create(adminProps)) {
                        while (true) {
                            if (System.currentTimeMillis() > deadline + 60_000) {
                                System.err.println("the member did not leave the group");
                                System.exit(3);
                            }
                            ConsumerGroupDescription d = admin
                                    .describeConsumerGroups(List.of(args[1]))
                                    .describedGroups().get(args[1]).get();
                            if (d.members().isEmpty()) {
                                break;
                            }
                            Thread.sleep(100);
                        }
                    }
                    if (args[4].equals("stall-unsubscribe")) {
                        consumer.unsubscribe();
                    }
                    break;
                default:
                    break;
            }
        }
        System.out.println("closed");
    }
}
