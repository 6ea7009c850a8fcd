package io.lxcfsremount.launcher;

import static io.lxcfsremount.core.testing.RealEnvironment.Need.PROMETHEUS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lxcfsremount.core.testing.Programs;
import io.lxcfsremount.core.testing.RequiresReal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The alert rules of deploy/monitoring through Prometheus's own promtool: valid, and each alert
 * fires on the synthetic series of lxcfs-remount.rules.test.yml where it should, and not where it
 * should not.
 */
@RequiresReal(PROMETHEUS)
class MonitoringRulesIT {
  @Test
  void promtool_acceptsTheRuleFile() {
    Programs.Result result =
        Programs.run(
            "promtool", "check", "rules", MonitoringFiles.file(MonitoringFiles.RULES).toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.stdout()).contains("SUCCESS: 5 rules found");
  }

  @Test
  void promtool_unitTestsOfTheRules_pass() {
    Programs.Result result =
        Programs.run(
            "promtool",
            "test",
            "rules",
            MonitoringFiles.file(MonitoringFiles.RULES_TEST).toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.stdout()).contains("SUCCESS");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theUnitTests_seeEveryAlertFire_andStayQuiet() throws Exception {
    Set<String> fired = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    for (Map<String, Object> test :
        (List<Map<String, Object>>) MonitoringFiles.read(MonitoringFiles.RULES_TEST).get("tests")) {
      for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
        String alert = (String) check.get("alertname");
        if (((List<?>) check.get("exp_alerts")).isEmpty()) {
          quiet.add(alert);
        } else {
          fired.add(alert);
        }
      }
    }

    List<String> alerts =
        MonitoringFiles.alerts(MonitoringFiles.read(MonitoringFiles.RULES)).stream()
            .map(alert -> (String) alert.get("alert"))
            .toList();
    assertThat(fired).as("alerts seen firing").containsExactlyInAnyOrderElementsOf(alerts);
    assertThat(quiet).as("alerts seen quiet").containsExactlyInAnyOrderElementsOf(alerts);
  }
}
