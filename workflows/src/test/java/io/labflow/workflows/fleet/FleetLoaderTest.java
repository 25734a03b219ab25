package io.labflow.workflows.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class FleetLoaderTest {

  private static FleetLoadResult load(String yaml) {
    return new FleetLoader().load("f.yaml", yaml);
  }

  /** Every error, one per line, as {@code FILE:LINE:COLUMN: PATH: message}. */
  static String text(FleetLoadResult r) {
    return r.errors().stream().map(Object::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void theShippedExampleLoads() throws Exception {
    FleetLoadResult r = new FleetLoader().load("iam-class.yaml",
        Files.readString(Path.of("..", "definitions", "fleets", "iam-class.yaml")));
    assertThat(text(r)).isEmpty();
    Fleet f = r.fleetOrNull();
    assertThat(Fleet.scheduleId(f.name())).isEqualTo("fleet-iam-class");
    assertThat(f.labs()).hasSize(30);
    assertThat(f.labs().get(0).labId()).isEqualTo("iam-class-01");
    assertThat(f.labs().get(29).labId()).isEqualTo("iam-class-30");
    assertThat(f.schedule().timeZone()).isEqualTo("Europe/Paris");
    assertThat(f.schedule().catchupWindow()).isEqualTo(Duration.ofHours(3));
    assertThat(f.schedule().jitter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(f.concurrency()).isEqualTo(5);
    assertThat(f.quarantineAfter()).isEqualTo(3);
  }

  @Test
  void explicitLabsTakeTheSharedVariantAndParametersAndTheirOwn() {
    FleetLoadResult r = load("""
        name: small
        definition: iam-mini
        variant: read-only
        parameters: {bucket: shared-bucket, n: 2}
        labs:
          - lab-a
          - id: lab-b
            variant: read-write
            parameters: {bucket: own-bucket, tags: [x, y]}
        schedule: {cron: "@daily"}
        """);
    assertThat(text(r)).isEmpty();
    List<FleetLab> labs = r.fleetOrNull().labs();
    assertThat(labs.get(0)).isEqualTo(new FleetLab("lab-a", "read-only", Map.of("bucket", "shared-bucket", "n", 2L)));
    assertThat(labs.get(1)).isEqualTo(new FleetLab("lab-b", "read-write",
        Map.of("bucket", "own-bucket", "n", 2L, "tags", List.of("x", "y"))));
    assertThat(r.fleetOrNull().schedule()).isEqualTo(
        new FleetSchedule("@daily", "UTC", Duration.ofHours(1), Duration.ZERO));
    assertThat(r.fleetOrNull().concurrency()).isEqualTo(FleetKeys.DEFAULT_CONCURRENCY);
  }

  @Test
  void aLabIdThatIsAResetsWorkflowIdIsRefused() {
    FleetLoadResult r = load("""
        name: class-a
        definition: iam-mini
        labs: [lab-a, reset-lab-a]
        schedule: {cron: "0 3 * * *"}
        """);
    assertThat(r.errors()).extracting(Object::toString).containsExactly(
        "f.yaml:3:15: labs[1]: lab id 'reset-lab-a' must be lowercase letters, digits and dashes,"
            + " starting with a letter, at most 41 characters, not beginning with reset- (a lab's"
            + " reset's workflow id; e.g. lab-042)");
  }

  @Test
  void everyErrorIsReportedAtOnceWithItsPlace() {
    FleetLoadResult r = load("""
        name: Bad_Name
        definiton: iam-mini
        labs:
          - lab-a
          - lab-a
          - 9lab
          - {id: lab-c, varient: x}
        schedule:
          cron: "0 3 * *"
          timeZone: Europe/Pariss
          catchupWindow: 5 m
          jiter: 1m
        concurrency: 0
        quarantineAfter: many
        """);
    assertThat(r.ok()).isFalse();
    assertThat(r.errors()).extracting(Object::toString).containsExactly(
        "f.yaml:1:1: missing required key 'definition'",
        "f.yaml:1:7: name: name 'Bad_Name' must be lowercase letters, digits and dashes, starting with a letter, at most 41 characters, not beginning with reset- (a lab's reset's workflow id; e.g. lab-042)",
        "f.yaml:2:1: definiton: unknown key 'definiton'; did you mean 'definition'?",
        "f.yaml:5:5: labs[1]: lab 'lab-a' is already listed at labs[0]",
        "f.yaml:6:5: labs[2]: lab id '9lab' must be lowercase letters, digits and dashes, starting with a letter, at most 41 characters, not beginning with reset- (a lab's reset's workflow id; e.g. lab-042)",
        "f.yaml:7:17: labs[3].varient: unknown key 'varient'; did you mean 'variant'?",
        "f.yaml:9:9: schedule.cron: cron '0 3 * *' must be five fields (minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\") or a macro such as @daily",
        "f.yaml:10:13: schedule.timeZone: unknown time zone 'Europe/Pariss'; did you mean 'Europe/Paris'?",
        "f.yaml:11:18: schedule.catchupWindow: catchupWindow '5 m' is not a duration: write a whole number followed by ms, s, m or h, such as 500ms, 30s, 5m, 2h or 1m30s",
        "f.yaml:12:3: schedule.jiter: unknown key 'jiter'; did you mean 'jitter'?",
        "f.yaml:13:14: concurrency: expected a whole number from 1 to 200, got '0'",
        "f.yaml:14:18: quarantineAfter: expected a whole number from 1 to 100, got 'many'");
  }

  @Test
  void quotaShortfallIsAsManyAsFitUnlessTheFileSaysNoneAndABadValueIsNamedAtItsPlace() {
    String fleet = """
        name: n
        definition: d
        labs: [lab-a, lab-b]
        schedule: {cron: "0 3 * * *"}
        """;
    assertThat(load(fleet).fleetOrNull().quotaShortfall()).isEqualTo("as-many-as-fit");
    assertThat(load(fleet + "quotaShortfall: none\n").fleetOrNull().quotaShortfall()).isEqualTo("none");
    FleetLoadResult bad = load(fleet + "quotaShortfall: some\n");
    assertThat(bad.ok()).isFalse();
    assertThat(bad.errors()).extracting(Object::toString).containsExactly(
        "f.yaml:5:17: quotaShortfall: quotaShortfall 'some' must be as-many-as-fit or none");
  }

  @Test
  void aPrefixThatMakesBadIdsIsRefusedAtThePrefix() {
    FleetLoadResult r = load("""
        name: n
        definition: d
        labs: {prefix: Class-, count: 3}
        schedule: {cron: "0 3 * * *"}
        """);
    assertThat(text(r)).isEqualTo("f.yaml:3:16: labs.prefix: prefix 'Class-' makes lab ids such as "
        + "'Class-03', which must be lowercase letters, digits and dashes, starting with a letter, at most 41 characters, not beginning with reset- (a lab's reset's workflow id; e.g. lab-042)");
  }

  @Test
  void brokenYamlEmptyFilesAndWrongShapesAreSentencesNotExceptions() {
    assertThat(text(load("name: ["))).startsWith("f.yaml:1:").contains("invalid YAML");
    assertThat(text(load(""))).isEqualTo("f.yaml: the file is empty; a fleet needs name, definition, labs and schedule");
    assertThat(text(load("- a\n"))).isEqualTo("f.yaml:1:1: expected a mapping, got a list");
    assertThat(text(load("name: n\ndefinition: d\nlabs: []\nschedule: x\n"))).isEqualTo(
        "f.yaml:3:7: labs: labs must be a non-empty list of labs, or a mapping of prefix and count, got a list\n"
            + "f.yaml:4:11: schedule: expected a mapping, got a string");
    assertThat(text(load("name: 5\ndefinition: ''\nlabs: [a]\nschedule: {cron: '@daily'}\n")))
        .isEqualTo("f.yaml:1:7: name: expected a string, got an integer\n"
            + "f.yaml:2:13: definition: must not be empty");
    assertThat(text(load("name: n\ndefinition: d\nlabs: {prefix: a-, count: 10001}\n"
        + "schedule: {cron: '@daily'}\nparameters: {x: {y: 1}}\n"))).isEqualTo(
        "f.yaml:3:27: labs.count: expected a whole number from 1 to 10000, got '10001'\n"
            + "f.yaml:5:17: parameters.x: a parameter value must be a string, number, boolean or list, got a mapping");
  }

  @Test
  void placesLetCallersPointAtWhatTheStepFileRejects() {
    FleetLoadResult r = load("name: n\ndefinition: d\nvariant: v\nlabs:\n  - {id: a, parameters: {p: 1}}\n"
        + "schedule: {cron: '@daily'}\n");
    assertThat(r.at("f.yaml", "variant", "no such variant").toString()).isEqualTo("f.yaml:3:10: variant: no such variant");
    assertThat(r.at("f.yaml", "labs[0].parameters.p", "bad").toString()).isEqualTo("f.yaml:5:29: labs[0].parameters.p: bad");
    assertThat(r.at("f.yaml", "labs[0].parameters.q", "unknown").toString()).isEqualTo("f.yaml:5:25: labs[0].parameters.q: unknown");
  }
}
