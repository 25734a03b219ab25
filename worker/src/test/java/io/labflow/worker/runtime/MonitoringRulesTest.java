package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped monitoring ({@code definitions/monitoring/}) through Prometheus's own {@code promtool}
 * (Debian's prometheus package; {@code scripts/tools} installs it): the alert rules are valid and
 * their unit tests pass, the dashboard's queries are valid PromQL, and every series the rule tests
 * feed in has the name and labels of one a real worker served, and every metric the rules and
 * the dashboard read is served (the scrape an e2e run took, kept as {@code tests/worker-scrape.prom}).
 */
@Tag("e2e")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MonitoringRulesTest {

  private static final Path DIR = Tools.repoRoot().resolve("definitions/monitoring");
  /** What Prometheus adds to every scraped series; the worker does not serve them. */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  @TempDir
  Path tmp;

  @Test
  void promtoolChecksAndTestsTheAlertRules() throws Exception {
    assertThat(promtool("check", "rules", "labflow-alerts.yml")).contains("SUCCESS: 11 rules found");
    assertThat(promtool("test", "rules", "tests/labflow-alerts.test.yml")).contains("SUCCESS");
  }

  @Test
  void theDashboardsQueriesAreValidPromQl() throws Exception {
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    List<String> exprs = dashboardExprs();
    for (int i = 0; i < exprs.size(); i++) {
      rules.append("      - record: dashboard:query").append(i).append("\n        expr: '")
          .append(exprs.get(i).replace("'", "''")).append("'\n");
    }
    Path file = tmp.resolve("dashboard-queries.yml");
    Files.writeString(file, rules);
    assertThat(promtool("check", "rules", file.toString())).contains("SUCCESS: " + exprs.size() + " rules found");
  }

  /**
   * A timer's {@code _max} is Micrometer's window max: back to 0 a few minutes after its last
   * recording. A dashboard query over one must still show the figure hours later (a fleet's night,
   * looked at in the morning): each is fed the served series, its value then 0 for ten hours.
   */
  @Test
  void theDashboardShowsAWindowMaxHoursAfterItWasRecorded() throws Exception {
    Map<String, List<String[]>> maxSeries = new HashMap<>();
    for (String line : Files.readAllLines(DIR.resolve("tests/worker-scrape.prom"))) {
      if (!line.startsWith("#") && line.matches("^labflow_[a-z_]+_max[{ ].*")) {
        int space = line.lastIndexOf(' ');
        maxSeries.computeIfAbsent(line.replaceFirst("[{ ].*", ""), k -> new ArrayList<>())
            .add(new String[] {line.substring(0, space), line.substring(space + 1)});
      }
    }
    StringBuilder tests = new StringBuilder("tests:\n");
    int checked = 0;
    for (String expr : dashboardExprs()) {
      List<String[]> fed = metricNames(expr).stream()
          .flatMap(n -> maxSeries.getOrDefault(n, List.of()).stream()).toList();
      if (fed.isEmpty()) {
        continue;
      }
      checked++;
      tests.append("  - interval: 1m\n    input_series:\n");
      double max = 0;
      for (String[] s : fed) {
        String series = s[0].endsWith("}")
            ? s[0].substring(0, s[0].length() - 1) + ",instance=\"w1:9464\"}"
            : s[0] + "{instance=\"w1:9464\"}";
        tests.append("      - series: '").append(series.replace("'", "''")).append("'\n        values: '")
            .append(s[1]).append(' ').append(s[1]).append(" 0x600'\n");
        max = Math.max(max, Double.parseDouble(s[1]));
      }
      tests.append("    promql_expr_test:\n      - expr: 'max(").append(expr.replace("'", "''"))
          .append(")'\n        eval_time: 8h\n        exp_samples:\n          - labels: '{}'\n")
          .append("            value: ").append(max).append('\n');
    }
    assertThat(checked).as("dashboard queries over a _max series").isPositive();
    Path file = tmp.resolve("dashboard-max.test.yml");
    Files.writeString(file, tests);
    assertThat(promtool("test", "rules", file.toString())).contains("SUCCESS");
  }

  @Test
  void rulesAndDashboardReadOnlySeriesAWorkerServes() throws Exception {
    Set<String> served = new TreeSet<>();
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(DIR.resolve("tests/worker-scrape.prom"))) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String series = line.substring(0, line.lastIndexOf(' '));
        served.add(canonical(series));
        names.add(series.replaceFirst("\\{.*", ""));
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> test = new Yaml().load(Files.readString(DIR.resolve("tests/labflow-alerts.test.yml")));
    List<String> fed = new ArrayList<>();
    for (Object t : (List<?>) test.get("tests")) {
      for (Object s : (List<?>) ((Map<?, ?>) t).get("input_series")) {
        fed.add(canonical((String) ((Map<?, ?>) s).get("series")));
      }
    }
    assertThat(fed).isNotEmpty().allSatisfy(s -> assertThat(served).as("served series").contains(s));
    List<String> read = new ArrayList<>(metricNames(Files.readString(DIR.resolve("labflow-alerts.yml"))));
    dashboardExprs().forEach(e -> read.addAll(metricNames(e)));
    assertThat(read).isNotEmpty().allSatisfy(n -> assertThat(names).as("served metrics").contains(n));
  }

  /**
   * A series' shape: its name and label names ({@code name{a,b}}), sorted, without the target
   * labels Prometheus adds. The values of the labels (a lab, a worker) are the test's.
   */
  static String canonical(String series) {
    Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?$").matcher(series.trim());
    assertThat(m.matches()).as(series).isTrue();
    Set<String> labels = new TreeSet<>();
    if (m.group(2) != null) {
      Matcher l = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(m.group(2));
      while (l.find()) {
        if (!TARGET_LABELS.contains(l.group(1))) {
          labels.add(l.group(1));
        }
      }
    }
    return m.group(1) + "{" + String.join(",", labels) + "}";
  }

  private static List<String> metricNames(String text) {
    return Pattern.compile("labflow_[a-z_]+").matcher(text).results().map(r -> r.group()).distinct().toList();
  }

  private static List<String> dashboardExprs() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DIR.resolve("labflow-dashboard.json").toFile());
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.add(target.path("expr").asText());
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  private static String promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Tools.tool("promtool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
    return out;
  }
}
