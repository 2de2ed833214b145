import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A Java group member for mixed-group tests, and a topic creator.
 *
 * <pre>
 * GroupPeer create BOOTSTRAP TOPIC PARTITIONS
 *   creates TOPIC (replication 1, retention.ms=-1); an existing topic is fine.
 * GroupPeer partitions BOOTSTRAP TOPIC TOTAL
 *   grows TOPIC to TOTAL partitions.
 * GroupPeer create-replicas BOOTSTRAP TOPIC BROKER,BROKER,... [key=value topic configs...]
 *   creates TOPIC with one partition on exactly those brokers (the first is the preferred leader).
 * GroupPeer elect-unclean BOOTSTRAP TOPIC PARTITION
 *   asks for an unclean leader election of the partition; "no election needed" is fine. Prints
 *   the leader afterwards: LEADER id epoch-unknown.
 * GroupPeer member BOOTSTRAP GROUP TOPIC NAME [key=value consumer properties...]
 *   joins GROUP (cooperative-sticky unless overridden; with group.protocol=consumer the broker
 *   assigns), subscribes to TOPIC, and until a line
 *   "stop" (or end of input) arrives on stdin polls, prints, and commits synchronously after
 *   each poll. Output lines (tab separated):
 *     ASSIGNED  NAME generation partitions   (comma-separated partition numbers)
 *     REVOKED   NAME generation partitions
 *     LOST      NAME generation partitions
 *     RECORD    NAME generation partition offset
 *     OWNED     NAME generation partitions   (the full assignment after each change)
 *     CLOSED    NAME
 * </pre>
 */
public final class GroupPeer {
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: GroupPeer create BOOTSTRAP TOPIC PARTITIONS | member BOOTSTRAP GROUP TOPIC NAME [k=v...]");
            System.exit(2);
        }
        switch (args[0]) {
            case "create" -> create(args[1], args[2], Integer.parseInt(args[3]));
            case "partitions" -> addPartitions(args[1], args[2], Integer.parseInt(args[3]));
            case "create-replicas" -> createReplicas(args);
            case "elect-unclean" -> electUnclean(args[1], args[2], Integer.parseInt(args[3]));
            case "member" -> member(args);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    private static void create(String bootstrap, String topic, int partitions) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            try {
                // No time-based retention: test records carry 2023 timestamps and would be deleted at once.
                NewTopic t = new NewTopic(topic, Optional.of(partitions), Optional.empty())
                    .configs(Map.of("retention.ms", "-1"));
                admin.createTopics(List.of(t))
                    .all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static void addPartitions(String bootstrap, String topic, int total) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(total))).all().get();
        }
    }

    private static void createReplicas(String[] args) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        List<Integer> replicas = new ArrayList<>();
        for (String r : args[3].split(",")) {
            replicas.add(Integer.parseInt(r));
        }
        Map<String, String> configs = new HashMap<>();
        configs.put("retention.ms", "-1");
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            configs.put(kv[0], kv[1]);
        }
        try (Admin admin = Admin.create(p)) {
            NewTopic t = new NewTopic(args[2], Map.of(0, replicas)).configs(configs);
            admin.createTopics(List.of(t)).all().get();
        }
    }

    private static void electUnclean(String bootstrap, String topic, int partition) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        TopicPartition tp = new TopicPartition(topic, partition);
        try (Admin admin = Admin.create(p)) {
            try {
                admin.electLeaders(ElectionType.UNCLEAN, Set.of(tp)).partitions().get()
                    .get(tp).ifPresent(e -> { throw new RuntimeException(e); });
            } catch (RuntimeException e) {
                if (!(e.getCause() instanceof ElectionNotNeededException)) {
                    throw e;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof ElectionNotNeededException)) {
                    throw e;
                }
            }
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            emit("LEADER\t" + d.partitions().get(partition).leader().id());
        }
    }

    private static String parts(Collection<TopicPartition> tps) {
        List<String> out = new ArrayList<>();
        for (TopicPartition tp : tps) {
            out.add(Integer.toString(tp.partition()));
        }
        return String.join(",", out);
    }

    private static synchronized void emit(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void member(String[] args) throws Exception {
        if (args.length < 5) {
            System.exit(2);
        }
        String bootstrap = args[1];
        String group = args[2];
        String topic = args[3];
        String name = args[4];
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        for (int i = 5; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            p.put(kv[0], kv[1]);
        }
        if ("consumer".equalsIgnoreCase(p.getProperty(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic"))) {
            // KIP-848 groups assign on the broker; Java rejects a client-side strategy there.
            p.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        }
        AtomicBoolean stop = new AtomicBoolean(false);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.trim().equals("stop")) {
                        break;
                    }
                }
            } catch (Exception e) {
                // end of input stops too
            }
            stop.set(true);
        });
        reader.setDaemon(true);
        reader.start();

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Commit what was consumed before the partitions move.
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (TopicPartition tp : partitions) {
                        offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                    }
                    consumer.commitSync(offsets);
                    emit("REVOKED\t" + name + "\t" + consumer.groupMetadata().generationId() + "\t" + parts(partitions));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    int gen = consumer.groupMetadata().generationId();
                    emit("ASSIGNED\t" + name + "\t" + gen + "\t" + parts(partitions));
                    emit("OWNED\t" + name + "\t" + gen + "\t" + parts(consumer.assignment()));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    emit("LOST\t" + name + "\t" + consumer.groupMetadata().generationId() + "\t" + parts(partitions));
                }
            };
            consumer.subscribe(List.of(topic), listener);
            while (!stop.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                int gen = consumer.groupMetadata().generationId();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    emit("RECORD\t" + name + "\t" + gen + "\t" + r.partition() + "\t" + r.offset());
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        }
        emit("CLOSED\t" + name);
    }
}
