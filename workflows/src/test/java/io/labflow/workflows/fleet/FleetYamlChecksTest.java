package io.labflow.workflows.fleet;

import static io.labflow.workflows.fleet.FleetLoaderTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A fleet file's keys and numbers are checked by the same node access as a step file's: a key
 * written twice, a merge key or a null key is an error at its place, not silently dropped, and a
 * number with an explicit tag that is not a number is a sentence, not a stack trace.
 */
@Tag("fast")
class FleetYamlChecksTest {

  private static final String SCHEDULE = "schedule: {cron: '@daily'}\n";

  private static String errors(String yaml) {
    return text(new FleetLoader().load("f.yaml", yaml));
  }

  @Test
  void aKeyWrittenTwiceIsAnErrorAtTheSecondAndTheFirstIsKept() {
    FleetLoadResult r = new FleetLoader().load("f.yaml", "name: n\ndefinition: d\nlabs: [a]\nname: m\n" + SCHEDULE);
    assertThat(text(r)).isEqualTo("f.yaml:4:1: name: duplicate key 'name' (first defined at line 1)");
    assertThat(r.at("f.yaml", "name", "x").toString()).isEqualTo("f.yaml:1:7: name: x");
    assertThat(errors("name: n\ndefinition: d\nlabs: [a]\nschedule: {cron: '@daily', cron: '@hourly'}\n"))
        .isEqualTo("f.yaml:4:28: schedule.cron: duplicate key 'cron' (first defined at line 4)");
  }

  @Test
  void mergeAndNullKeysAreRefusedAsInStepFiles() {
    assertThat(errors("name: n\ndefinition: d\nlabs: [a]\n<<: {x: 1}\n" + SCHEDULE))
        .isEqualTo("f.yaml:4:1: <<: merge keys ('<<') are not supported; write the keys out");
    assertThat(errors("name: n\ndefinition: d\nlabs: [a]\n~: x\n" + SCHEDULE))
        .isEqualTo("f.yaml:4:1: keys must be plain names, got null");
  }

  @Test
  void anIntTagOnTextIsASentence() {
    assertThat(errors("name: n\ndefinition: d\nlabs: [a]\n" + SCHEDULE + "concurrency: !!int x\n"))
        .isEqualTo("f.yaml:5:14: concurrency: expected a whole number from 1 to 200, got 'x'");
    assertThat(errors("name: n\ndefinition: d\nlabs: {prefix: a-, count: !!int 1+2}\n" + SCHEDULE))
        .isEqualTo("f.yaml:3:27: labs.count: expected a whole number from 1 to 10000, got '1+2'");
    assertThat(errors("name: n\ndefinition: d\nlabs: [a]\nparameters: {p: !!int x}\n" + SCHEDULE))
        .isEqualTo("f.yaml:4:17: parameters.p: a parameter value must be a string, whole number or boolean, got 'x'");
  }

  @Test
  void aParameterNamedTwiceIsAnErrorAndABoolTagOnTextIsASentence() {
    assertThat(errors("name: n\ndefinition: d\nlabs: [a]\nparameters: {p: 1, p: 2}\n" + SCHEDULE))
        .isEqualTo("f.yaml:4:20: parameters.p: duplicate key 'p' (first defined at line 4)");
    assertThat(errors("name: n\ndefinition: d\nlabs: [{id: a, parameters: {q: x, q: y}}]\n" + SCHEDULE))
        .isEqualTo("f.yaml:3:35: labs[0].parameters.q: duplicate key 'q' (first defined at line 3)");
    assertThat(errors("name: n\ndefinition: d\nlabs: [a]\nparameters: {p: !!bool x}\n" + SCHEDULE))
        .isEqualTo("f.yaml:4:17: parameters.p: expected true or false, got 'x'");
    FleetLoadResult ok = new FleetLoader().load("f.yaml",
        "name: n\ndefinition: d\nlabs: [a]\nparameters: {p: !!bool TRUE, q: false, r: yes}\n" + SCHEDULE);
    assertThat(text(ok)).isEmpty();
    assertThat(ok.fleetOrNull().labs().get(0).parameters()).containsExactly(
        java.util.Map.entry("p", true), java.util.Map.entry("q", false), java.util.Map.entry("r", "yes"));
  }
}
