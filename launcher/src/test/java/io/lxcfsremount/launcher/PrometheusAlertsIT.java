package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.ContainerViews.LIMITED_MEMINFO;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.LXCFS;
import static io.lxcfsremount.core.testing.RealEnvironment.Need.PROMETHEUS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lxcfsremount.core.testing.Cleanup;
import io.lxcfsremount.core.testing.LimitedStandIn;
import io.lxcfsremount.core.testing.LxcfsProcess;
import io.lxcfsremount.core.testing.RequiresReal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alerts of deploy/monitoring in a real Prometheus that scrapes a running {@code lxcfs-remount
 * watch} (with only the deployed capabilities) on a real lxcfs that the test wedges and replaces.
 * The rules are the rule file's, each {@code for:} cut to 5 s so that the test takes seconds.
 */
@RequiresReal({LXCFS, PROMETHEUS})
class PrometheusAlertsIT {
  private static final String SHORT_FOR = "5s";
  private static final Duration ALERT_WAIT = Duration.ofSeconds(90);
  private static final Pattern METRIC = Pattern.compile("lxcfs_remount_[a-z_]+");

  /** A matcher on one of the agent's own labels, in a rule or (JSON-escaped) a dashboard query. */
  private static final Pattern LABEL_MATCHER =
      Pattern.compile("\\b(state|result)=~?\\\\?\"([a-z|-]+)\\\\?\"");

  @RegisterExtension final Cleanup cleanup = new Cleanup();
  private LimitedStandIn fixture;
  private LxcfsProcess lxcfs;
  private WatchProcess watch;
  private PrometheusServer prometheus;

  @BeforeEach
  void start() throws Exception {
    fixture = cleanup.track(LimitedStandIn.start());
    lxcfs = fixture.lxcfs();
    watch =
        cleanup.track(
            WatchProcess.startDeployed(
                "--lxcfs-dir",
                lxcfs.dir().toString(),
                "--runtime",
                "proc",
                "--kubernetes-events",
                "false",
                "--container",
                Long.toString(fixture.container().pid())));
    prometheus =
        cleanup.track(
            PrometheusServer.start(
                config(watch.port()), Map.of("lxcfs-remount.rules.yml", rules())));
    Eventually.within(
        Duration.ofSeconds(60),
        "Prometheus scraped lxcfs up = 1",
        () -> value("lxcfs_remount_lxcfs_up{job=\"lxcfs-remount\"}") == 1,
        this::diagnostics);
  }

  @Test
  void wedgedLxcfs_firesLxcfsDown_andReplacingItResolvesIt() throws Exception {
    // Until the first scrape, every rule sees no agent at all (LxcfsRemountAgentDown's absent()).
    Eventually.within(
        ALERT_WAIT,
        "no alert while lxcfs answers and the agent is scraped",
        () -> prometheus.alerts().isEmpty(),
        this::diagnostics);

    lxcfs.wedge();

    Eventually.within(
        ALERT_WAIT, "LxcfsDown firing", () -> firing("LxcfsDown") != null, this::diagnostics);
    JsonNode down = firing("LxcfsDown");
    assertThat(down.path("labels").path("severity").asText()).isEqualTo("critical");
    assertThat(down.path("labels").path("node").asText()).isEqualTo("test-node");
    assertThat(down.path("annotations").path("summary").asText())
        .isEqualTo("lxcfs is down on test-node");
    assertThat(down.path("annotations").path("description").asText())
        .contains("kubectl -n lxcfs delete pod lxcfs-test");

    // Replaced as the DaemonSet's lxcfs container is: killed, its dead mount unmounted, started.
    lxcfs.kill();
    lxcfs.unmountDead();
    lxcfs.launch();

    Eventually.within(
        ALERT_WAIT,
        "LxcfsDown resolved",
        () -> prometheus.alerts().stream().noneMatch(alert -> named(alert, "LxcfsDown")),
        this::diagnostics);
    Eventually.within(
        Duration.ofSeconds(30),
        "the container reads its own meminfo again",
        () -> fixture.meminfo().stdout().startsWith(LIMITED_MEMINFO),
        this::diagnostics);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyQueryOfTheDashboard_answersFromTheAgentsSeries() throws Exception {
    lxcfs.restart();
    Eventually.within(
        Duration.ofSeconds(60),
        "Prometheus scraped a recovery",
        () -> value("lxcfs_remount_recovery_seconds_count") >= 1,
        this::diagnostics);

    for (Map<String, Object> panel :
        (List<Map<String, Object>>) MonitoringFiles.read(MonitoringFiles.DASHBOARD).get("panels")) {
      for (Map<String, Object> target : (List<Map<String, Object>>) panel.get("targets")) {
        // Grafana's variables, as it would fill them in: every node, a rate window of 4 scrapes.
        String query =
            ((String) target.get("expr")).replace("$node", ".*").replace("$__rate_interval", "4s");
        assertThat(prometheus.query(query)).as("%s: %s", panel.get("title"), query).isNotEmpty();
      }
    }
  }

  @Test
  void rulesDashboardAndReadme_nameOnlyMetricsTheAgentExports() throws Exception {
    Set<String> scraped =
        prometheus.labelValues("__name__").stream()
            .filter(name -> name.startsWith("lxcfs_remount_"))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> used = new TreeSet<>();
    for (String file : List.of(MonitoringFiles.RULES, MonitoringFiles.DASHBOARD)) {
      Matcher metric = METRIC.matcher(Files.readString(MonitoringFiles.file(file)));
      while (metric.find()) {
        used.add(metric.group());
      }
    }
    String readme =
        Files.readString(MonitoringFiles.folder().getParent().getParent().resolve("README.md"));

    assertThat(used)
        .contains("lxcfs_remount_lxcfs_up", "lxcfs_remount_recovery_seconds_bucket")
        .allMatch(name -> scraped.contains(name) || scraped.contains(name + "_bucket"), "scraped");
    for (String name : scraped) {
      // A histogram's row names the histogram, not its _bucket, _count and _sum series.
      String family = name.replaceFirst("_(bucket|count|sum)$", "");
      String row = scraped.contains(family + "_bucket") ? family : name;
      assertThat(readme).as("README's metrics table").contains("| `" + row + "` |");
    }
  }

  @Test
  void rulesAndDashboard_matchOnlyLabelValuesTheAgentExports() throws Exception {
    int matchers = 0;
    for (String file : List.of(MonitoringFiles.RULES, MonitoringFiles.DASHBOARD)) {
      Matcher matcher = LABEL_MATCHER.matcher(Files.readString(MonitoringFiles.file(file)));
      while (matcher.find()) {
        matchers++;
        // The agent sets every state and result to 0 at start, so each is scraped at once.
        assertThat(prometheus.labelValues(matcher.group(1)))
            .as("%s: %s", file, matcher.group())
            .contains(matcher.group(2).split("\\|"));
      }
    }
    assertThat(matchers).as("label matchers in the rules and the dashboard").isPositive();
  }

  private JsonNode firing(String name) throws Exception {
    return prometheus.alerts().stream()
        .filter(alert -> named(alert, name) && alert.path("state").asText().equals("firing"))
        .findFirst()
        .orElse(null);
  }

  private static boolean named(JsonNode alert, String name) {
    return alert.path("labels").path("alertname").asText().equals(name);
  }

  private double value(String promql) throws Exception {
    List<JsonNode> samples = prometheus.query(promql);
    return samples.isEmpty() ? Double.NaN : samples.get(0).path("value").get(1).asDouble();
  }

  /** Scrapes the agent every second as the PodMonitor labels it; evaluates every second. */
  private static String config(int agentPort) {
    return """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
          - lxcfs-remount.rules.yml
        scrape_configs:
          - job_name: lxcfs-remount
            static_configs:
              - targets: ["127.0.0.1:%d"]
                labels: {node: test-node, namespace: lxcfs, pod: lxcfs-test}
        """
        .formatted(agentPort);
  }

  /** The rule file of deploy/monitoring with every {@code for:} cut to {@link #SHORT_FOR}. */
  private static String rules() throws Exception {
    Map<String, Object> rules = MonitoringFiles.read(MonitoringFiles.RULES);
    for (Map<String, Object> alert : MonitoringFiles.alerts(rules)) {
      if (alert.containsKey("for")) {
        alert.put("for", SHORT_FOR);
      }
    }
    return MonitoringFiles.yaml(rules);
  }

  private String diagnostics() throws Exception {
    return "alerts: "
        + prometheus.alerts()
        + "\nlxcfs up in Prometheus: "
        + prometheus.query("lxcfs_remount_lxcfs_up")
        + "\nagent:\n"
        + watch.diagnostics()
        + "\nprometheus:\n"
        + prometheus.log();
  }
}
