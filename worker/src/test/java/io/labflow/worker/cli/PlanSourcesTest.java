package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan} shows the values the worker will really use: its site parameters when the command
 * line knows them (run value, then site, then default), or says that they may override the
 * defaults; and which verification will run, on which role.
 */
@Tag("fast")
class PlanSourcesTest {

  static final String WORKER = "arn:aws:iam::123456789012:user/labflow-worker";
  static final String SITE = "{\"verifyMethod\":\"probe\",\"trustedPrincipalArn\":\"" + WORKER + "\"}";

  private static CliRun plan(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "--definitions";
    all[1] = Tools.repoRoot().resolve("definitions").toString();
    all[2] = "plan";
    all[3] = "iam-service-role-lab";
    all[4] = "--lab-id=lab-042";
    System.arraycopy(args, 0, all, 5, args.length);
    return CliRun.run(all);
  }

  @Test
  void withoutTheWorkersSiteParametersItSaysTheyMayOverrideTheDefaults() {
    CliRun r = plan("--site-parameters=");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("verifyMethod=simulate,", "\n  The worker fills in its own site"
        + " parameters (LABFLOW_SITE_PARAMETERS in its environment; none in this shell) for"
        + " values not given with -p: they override the defaults shown.\n"
        + "Verification: simulate (IAM's policy simulator, iam:SimulatePrincipalPolicy on role"
        + " labflow-lab-042-role; changes nothing); verifyMethod=simulate is the definition's"
        + " default, unless the worker's LABFLOW_SITE_PARAMETERS sets it.\n");
  }

  @Test
  void theSiteParametersTheWorkerUsesReplaceTheDefaultsEverywhereInThePlan() {
    CliRun r = plan("--site-parameters", SITE);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("verifyMethod=probe, trustedPrincipalArn=" + WORKER + ",",
        "\n  From --site-parameters: trustedPrincipalArn, verifyMethod (the worker applies the"
            + " site parameters of its own environment).\n"
            + "Verification: probe (the worker assumes role labflow-lab-042-role and really lists,"
            + " puts and gets objects in the lab bucket); verifyMethod=probe is from"
            + " --site-parameters.\n",
        // The trust policy the role gets is the one the worker will write.
        "\"AWS\" : \"" + WORKER + "\"");
  }

  @Test
  void aRunValueWinsOverTheSitesAndAProbeWithoutATrustedPrincipalIsFlagged() {
    CliRun simulate = plan("--site-parameters", SITE, "-p", "verifyMethod=simulate");
    assertThat(simulate.out()).contains("Verification: simulate (", "verifyMethod=simulate is"
        + " given with -p.");
    CliRun probe = plan("--site-parameters=", "-p", "verifyMethod=probe");
    assertThat(probe.out()).contains("no trustedPrincipalArn is set, so the preflight will"
        + " refuse it); verifyMethod=probe is given with -p.");
  }

  @Test
  void unreadableSiteParametersAreOneSentenceNamingTheOption() {
    CliRun r = plan("--site-parameters", "{bad");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("labflow: --site-parameters: not valid JSON at line 1, column 2")
        .doesNotContain("\tat ");
  }

  /**
   * A stack template named by the lab id is known only at run time when the plan has no lab id:
   * the quota section says it is not counted. Before, plan read {@code templates/<lab-id>.yaml},
   * could not, and counted nothing without a word.
   */
  @Test
  void aTemplateNamedByTheLabIdIsCountedOnlyWithALabId(@TempDir Path dir) throws Exception {
    Path perLab = Lab.perLabTemplateDefinition(dir);
    Files.copy(dir.resolve("templates/env.yaml"), dir.resolve("templates/lab-1.yaml"));

    CliRun without = CliRun.run("--definitions", dir.toString(), "plan", perLab.toString());
    CliRun with = CliRun.run("--definitions", dir.toString(), "plan", perLab.toString(),
        "--lab-id", "lab-1");

    assertThat(without.code()).as(without.all()).isZero();
    // One true thing: before, "this definition creates nothing that counts" came first.
    assertThat(without.out()).contains("\nAWS quotas:\n"
        + "  not counted: step 'stack' templateFile 'templates/${lab.labId}.yaml' names the lab"
        + " id, so what its stack counts is known only at run time (plan with --lab-id to count"
        + " it)\n\n").doesNotContain("creates nothing");
    assertThat(with.out()).contains("AWS quotas:\n"
        + "  L-F678F1CE (VPCs per Region): 1 per lab\n"
        + "  L-A4707A72 (Internet gateways per Region): 1 per lab\n")
        .doesNotContain("not counted");
  }

  /**
   * A template a run's preflight cannot read is said, as validate says it, and the plan is a
   * refusal: before, plan counted its stack as nothing, in silence.
   */
  @Test
  void aTemplateThatCannotBeReadIsSaidNotCountedAsNothing(@TempDir Path dir) throws Exception {
    Path perLab = Lab.perLabTemplateDefinition(dir);

    CliRun r = CliRun.run("--definitions", dir.toString(), "plan", perLab.toString(),
        "--lab-id", "lab-2");

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo(perLab + ": step 'stack' with.templateFile: templateFile"
        + " 'templates/lab-2.yaml': cannot read " + dir.resolve("templates/lab-2.yaml") + "\n"
        + "A run with these values would fail before creating anything.\n");
  }

  /**
   * A stack template named by a parameter with no value is said not counted, as one named by the
   * lab id is; before, plan counted nothing for it, in silence.
   */
  @Test
  void aTemplateNamedByAParameterWithoutAValueIsSaidNotCounted(@TempDir Path dir)
      throws Exception {
    Path file = Lab.parameterisedTemplateDefinition(dir);

    CliRun r = CliRun.run("--definitions", dir.toString(), "plan", file.toString(),
        "--lab-id", "lab-1");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("\nAWS quotas:\n"
        + "  not counted: step 'stack' templateFile 'templates/${params.template}' names parameter"
        + " template, which has no value, so what its stack counts is known only at run time\n");
  }
}
