// Readiness probe for scripts/infra/kafka.sh: exits 0 once the broker at
// args[0] (host:port[,host:port]) answers a metadata request (DescribeCluster)
// listing at least one live (unfenced) broker, 1 after args[1] ms.
// Run with the JDK source launcher: java -cp '<cache>/lib/*' Ready.java HOST:PORT 20000
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

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
          if (n > 0) {
            System.out.println("kafka ready at " + brokers + " (cluster " + id + ", " + n + " live broker(s))");
            System.exit(0);
          }
          last = "no live broker yet";
        } catch (Exception e) {
          last = String.valueOf(e.getCause() != null ? e.getCause() : e);
        }
        Thread.sleep(300);
      }
    }
    System.err.println("kafka not ready at " + brokers + ": " + last);
    System.exit(1);
  }
}
