package io.ragline.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.jboss.logging.Logger;

/**
 * Creates ragline's topics (listed with their partition counts in {@code ragline/topics.properties}) on any Kafka
 * cluster, and adds partitions to existing topics that have fewer than configured: scaling out means raising a count
 * there and starting more instances.
 */
public final class Topics {

    private static final Logger LOG = Logger.getLogger(Topics.class);
    private static final String RESOURCE = "ragline/topics.properties";

    private Topics() {}

    /** The topics and their partition counts, sorted by name. */
    public static Map<String, Integer> declared() {
        Properties properties = new Properties();
        try (InputStream in = Topics.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> topics = new TreeMap<>();
        properties.forEach((name, partitions) -> topics.put(
                name.toString(), Integer.parseInt(partitions.toString().trim())));
        return topics;
    }

    /** Creates missing topics and grows under-partitioned ones; replication factor 1 on a single broker. */
    public static void ensure(String bootstrapServers, Map<String, Integer> topics, short replicationFactor) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> toCreate = new ArrayList<>();
            topics.forEach((name, partitions) -> {
                if (!existing.contains(name)) {
                    toCreate.add(new NewTopic(name, partitions, replicationFactor));
                }
            });
            if (!toCreate.isEmpty()) {
                admin.createTopics(toCreate).all().get(30, TimeUnit.SECONDS);
                LOG.infof("created %d topic(s)", toCreate.size());
            }
            List<String> present =
                    topics.keySet().stream().filter(existing::contains).toList();
            if (!present.isEmpty()) {
                Map<String, TopicDescription> described =
                        admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
                Map<String, NewPartitions> grow = new TreeMap<>();
                described.forEach((name, description) -> {
                    int wanted = topics.get(name);
                    if (description.partitions().size() < wanted) {
                        grow.put(name, NewPartitions.increaseTo(wanted));
                    }
                });
                if (!grow.isEmpty()) {
                    admin.createPartitions(grow).all().get(30, TimeUnit.SECONDS);
                    LOG.infof("added partitions to %s", grow.keySet());
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
