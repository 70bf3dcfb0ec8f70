// Readiness probe for scripts/infra/kafka.sh: exits 0 once the broker at
// args[0] (host:port[,host:port]) answers a metadata request (DescribeCluster)
// listing at least one live (unfenced) broker and its group and transaction
// coordinators answer, 1 after args[1] ms. A fresh broker creates and loads
// __consumer_offsets and __transaction_state on the first FindCoordinator;
// until then kafkajs consumers joining a group can give up with
// KafkaJSGroupCoordinatorNotFound, so "ready" waits for the coordinators too.
// Run with the JDK source launcher: java -cp '<cache>/lib/*' Ready.java HOST:PORT 20000
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

public class Ready {
  public static void main(String[] args) throws Exception {
    String brokers = args.length > 0 ? args[0] : "127.0.0.1:9092";
    long timeoutMs = args.length > 1 ? Long.parseLong(args[1]) : 20000L;
    long deadline = System.currentTimeMillis() + timeoutMs;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    String last = "no answer";
    try (Admin admin = Admin.create(p)) {
      while (System.currentTimeMillis() < deadline) {
        try {
          DescribeClusterResult r = admin.describeCluster();
          int n = r.nodes().get(3, TimeUnit.SECONDS).size();
          String id = r.clusterId().get(3, TimeUnit.SECONDS);
          if (n > 0 && coordinatorsAnswer(admin)) {
            System.out.println("kafka ready at " + brokers + " (cluster " + id + ", " + n + " live broker(s))");
            System.exit(0);
          }
          last = n > 0 ? "coordinators not loaded yet" : "no live broker yet";
        } catch (Exception e) {
          last = String.valueOf(e.getCause() != null ? e.getCause() : e);
        }
        Thread.sleep(300);
      }
    }
    System.err.println("kafka not ready at " + brokers + ": " + last);
    System.exit(1);
  }

  /** True once describing a (never used) group and transactional id gets an answer from their coordinators. */
  static boolean coordinatorsAnswer(Admin admin) throws InterruptedException {
    try {
      admin.describeConsumerGroups(java.util.List.of("callpool-ready-probe")).all().get(3, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof GroupIdNotFoundException)) return false;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
    try {
      admin.describeTransactions(java.util.List.of("callpool-ready-probe")).all().get(3, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause() instanceof TransactionalIdNotFoundException;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
    return true;
  }
}
