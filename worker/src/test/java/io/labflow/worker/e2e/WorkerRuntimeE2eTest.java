package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker process itself: Prometheus metrics (AWS calls by outcome, labs by state, paused labs,
 * a lab whose teardown AWS throttles, a lab and a night no worker can replay, transitions, time in
 * state, fleet nights: their report, a night skipped, one terminated), a log an
 * operator can grep (the lab on every line about a lab, a line per state change, refusals without
 * stack traces), graceful SIGTERM. The
 * scrape it takes is kept as {@code worker/target/e2e-logs/worker-runtime.metrics}: the source of
 * {@code definitions/monitoring/tests/worker-scrape.prom} (docs/worker.md, Metrics and logs).
 */
@ExtendWith(LocalStack.class)
@Tag("e2e")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class WorkerRuntimeE2eTest {

  private static final List<String> LABS =
      List.of("e2e-metrics", "e2e-paused", "e2e-badinput", "e2e-fl-01", "e2e-fl-02", "e2e-undoing",
          "e2e-left");

  @TempDir
  Path dir;

  @Test
  void servesMetricsCountsAwsCallsLogsTheLabAndStopsGracefully(LocalStack.Stack stack) throws Exception {
    String queue = "e2e-runtime";
    String labId = "e2e-metrics";
    Map<String, String> env = stack.env(queue);
    ManagedProcess worker = stack.startWorker("worker-runtime", queue, 0)
        .awaitLog("polling", Duration.ofSeconds(60));
    int port = LocalStack.metricsPort(worker);

    Cli.Result run = Cli.run(env, "run", Labs.file("iam-mini").toString(), "--lab-id", labId);
    assertThat(run.exitCode()).as(run.all()).isZero();

    String metrics = scrape(port);
    // One CreateRole call (the role did not exist), one CreatePolicy: nothing retried on moto.
    assertThat(count(metrics, "CreateRole", "ok")).isEqualTo(1.0);
    assertThat(count(metrics, "CreatePolicy", "ok")).isEqualTo(1.0);
    assertThat(metrics).contains("temporal_");

    // A rejected update, a switch, an invalid input, a paused lab, a fleet night with a refusal.
    Cli.Result refused = Cli.run(env, "switch-variant", labId, "no-such-variant");
    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
    assertThat(Cli.run(env, "switch-variant", labId, "read-write").exitCode()).isZero();
    Labs.startRefused(stack.client(), "e2e-badinput", queue);
    Cli.Result paused = Cli.run(env, "run", Labs.file("pause-lab").toString(), "--lab-id", "e2e-paused",
        "-p", "policyName=e2e-paused-never-created");
    assertThat(paused.exitCode()).as(paused.all()).isEqualTo(3);
    try (Iam iam = new Iam(stack.motoEndpoint())) {
      // Not labflow's: the name the fleet's second lab would give its role, without its tag.
      iam.client().createRole(b -> b.roleName("e2e-fl-02-role")
          .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
    }
    Path fleet = dir.resolve("e2e-obs.yaml");
    Files.writeString(fleet, "name: e2e-obs\ndefinition: iam-mini\nlabs: [e2e-fl-01, e2e-fl-02]\n"
        + "schedule:\n  cron: \"0 3 * * *\"\nconcurrency: 2\nquarantineAfter: 1\n");
    assertThat(Cli.run(env, "fleet", "apply", fleet.toString()).exitCode()).isZero();
    assertThat(Cli.run(env, "fleet", "reset", "e2e-obs").exitCode()).isZero();
    worker.awaitLog("night done", Duration.ofSeconds(180));
    // Paused after its night (labflow_fleet_paused 1, e2e-night's 0: no time of a pause is kept,
    // so LabflowFleetPaused reads how long from the series).
    assertThat(Cli.run(env, "fleet", "pause", "e2e-obs", "--note", "AWS incident").exitCode())
        .isZero();
    // A lab and a fleet's night this labflow cannot replay (their history written by other code):
    // its worker fails their workflow task on every attempt, Temporal reports it, and status and
    // fleet status say so and why.
    String stuckQueue = queue + "-stuck";
    Map<String, String> stuckEnv = stack.env(stuckQueue);
    Path stuckFleet = dir.resolve("e2e-night.yaml");
    Files.writeString(stuckFleet, "name: e2e-night\ndefinition: iam-mini\nlabs: [e2e-nl-01]\n"
        + "schedule:\n  cron: \"0 3 * * *\"\n");
    String night = UnreplayableLab.start(stack.client(), stuckQueue, () -> {
      assertThat(Cli.run(stuckEnv, "fleet", "apply", stuckFleet.toString()).exitCode()).isZero();
      // Exit 4: the impostor polls no activity task queue; the Schedule starts the night anyway.
      assertThat(Cli.run(stuckEnv, "fleet", "reset", "e2e-night").out())
          .contains("Triggered fleet-e2e-night");
      return List.of(UnreplayableLab.lab(stack.client(), "e2e-stuck", stuckQueue),
          UnreplayableLab.runningNight(stack.client(), "e2e-night"),
          UnreplayableLab.reset(stack.client(), labId, stuckQueue),
          UnreplayableLab.reset(stack.client(), "e2e-new", stuckQueue));
    }).get(1);
    String reset = "reset-" + labId;
    ManagedProcess stuckWorker = stack.startWorker("worker-runtime-stuck", stuckQueue, -1)
        .awaitLog("polling", Duration.ofSeconds(60));
    stack.client().newUntypedWorkflowStub("e2e-stuck").signal("requestTeardown");
    stack.client().newUntypedWorkflowStub(night).signal("wake");
    stack.client().newUntypedWorkflowStub(reset).signal("wake");
    long failing = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (List.of("e2e-stuck", night, reset).stream()
        .anyMatch(id -> UnreplayableLab.taskFailures(stack.client(), id) < 2)
        && System.nanoTime() < failing) {
      Thread.sleep(500);
    }
    // The live lab's status says the reset that runs, and that its task keeps failing.
    Cli.Result resetting = Cli.run(env, "status", labId);
    assertThat(resetting.out()).as(resetting.all()).contains("Reset " + reset + " runs since ",
        " (Reset lab e2e-metrics (the test))\n  Workflow task: failed ", "It does nothing until");
    // A lab a fleet's first night resets before it ever ran: its reset is what status can say.
    Cli.Result firstReset = Cli.run(env, "status", "e2e-new");
    assertThat(firstReset.exitCode()).as(firstReset.all()).isEqualTo(1);
    assertThat(firstReset.all()).contains("lab e2e-new has not run yet; its reset starts it. Reset"
        + " reset-e2e-new runs since ", " (Reset lab e2e-new (the test))");
    // A night asked for while one runs is skipped, and the Schedule counts it.
    Cli.Result skipped = Cli.run(stuckEnv, "fleet", "reset", "e2e-night");
    assertThat(skipped.exitCode()).as(skipped.all()).isZero();
    Cli.Result stuckNight = Cli.run(env, "fleet", "status", "e2e-night");
    assertThat(stuckNight.exitCode()).as(stuckNight.all()).isZero();
    assertThat(stuckNight.out()).as(stuckNight.all()).contains("Latest night " + night
        + ": RUNNING: Workflow task: failed ", " (non deterministic error): [TMPRL1100] ",
        "It does nothing until a worker can run its history");
    Cli.Result stuck = Cli.run(env, "status", "e2e-stuck");
    assertThat(stuck.exitCode()).as(stuck.all()).isZero();
    assertThat(stuck.out()).as(stuck.all()).contains("Workflow task: failed ", " times in a row since ",
        " (non deterministic error): ", "Teardown: recorded, not taken yet",
        "(the server refuses the lab's status query while its workflow task fails");
    Cli.Result untaken = Cli.run(env, "teardown", "e2e-stuck");
    assertThat(untaken.exitCode()).as(untaken.all()).isEqualTo(1);
    assertThat(untaken.all()).contains("lab e2e-stuck takes no Update while its workflow task keeps"
        + " failing; the teardown is recorded (signal requestTeardown) and runs once a worker can run"
        + " the lab's history. Workflow task: failed ");
    // Any other Update is refused by the server, and said so.
    Cli.Result refusedSwitch = Cli.run(env, "switch-variant", "e2e-stuck", "read-write");
    assertThat(refusedSwitch.exitCode()).as(refusedSwitch.all()).isEqualTo(1);
    assertThat(refusedSwitch.all()).contains("lab e2e-stuck refused the switchVariant: the server takes no"
        + " Update while the lab's workflow task keeps failing. Workflow task: failed ");
    // A teardown AWS throttles for as long as it lasts (DetachRolePolicy, its first undo): the undo
    // retries, the lab stays TEARING_DOWN, its own series of labflow_lab_undoing, until AWS answers.
    Cli.Result undoingRun = Cli.run(env, "run", Labs.file("iam-mini").toString(), "--lab-id", "e2e-undoing");
    assertThat(undoingRun.exitCode()).as(undoingRun.all()).isZero();
    stack.moto().rates("iam.DetachRolePolicy=0/0");
    CompletableFuture<Cli.Result> undoing =
        CompletableFuture.supplyAsync(() -> Cli.run(env, "teardown", "e2e-undoing"));

    // A live lab terminated (as from the Web UI): no undo ran, its role and policy are left.
    Cli.Result leftRun = Cli.run(env, "run", Labs.file("iam-mini").toString(), "--lab-id", "e2e-left");
    assertThat(leftRun.exitCode()).as(leftRun.all()).isZero();
    stack.client().newUntypedWorkflowStub("e2e-left").terminate("terminated by mistake");
    Cli.Result leftStatus = Cli.run(env, "status", "e2e-left");
    assertThat(leftStatus.exitCode()).as(leftStatus.all()).isZero();
    assertThat(leftStatus.out()).contains("Workflow e2e-left run ", ": TERMINATED\n",
        "The run ended TERMINATED while LIVE: no undo ran, so what it created is left in AWS until"
            + " a sweep deletes it: labflow leaks --sweep e2e-left (labflow leaks lists it)\n");

    // Visibility is read every 15 s, the Schedules every minute, and the SDK reports workflow
    // metrics every 5 s: wait for all.
    List<String> expected = List.of(
        "labflow_lab_paused{lab=\"e2e-paused\"} 1.0",
        "labflow_labs{state=\"PAUSED\"} 1.0",
        "labflow_lab_undoing{lab=\"e2e-undoing\"} 1.0",
        "labflow_lab_task_failing{lab=\"e2e-stuck\"} 1.0",
        "labflow_reset_task_failing{workflow=\"" + night + "\"} 1.0",
        "labflow_reset_task_failing{workflow=\"" + reset + "\"} 1.0",
        "labflow_fleet_nights_skipped{fleet=\"e2e-night\",why=\"overlap\"} 1.0",
        "labflow_fleet_nights_skipped{fleet=\"e2e-night\",why=\"catchup\"} 0.0",
        "labflow_fleet_last_night{fleet=\"e2e-obs\",status=\"COMPLETED\"} 1.0",
        "labflow_fleet_paused{fleet=\"e2e-obs\"} 1.0",
        "labflow_fleet_paused{fleet=\"e2e-night\"} 0.0",
        "labflow_lab_left{lab=\"e2e-left\",state=\"LIVE\"} 1.0",
        "labflow_labs{state=\"TEARING_DOWN\"} 1.0",
        "labflow_lab_transitions_total{*definition=\"iam-mini\"*from=\"SWITCHING\"*to=\"LIVE\"*} 1.0",
        "labflow_lab_transitions_total{*definition=\"pause-lab\"*from=\"PROVISIONING\"*to=\"PAUSED\"*} 1.0",
        "labflow_lab_state_seconds_count{*definition=\"iam-mini\"*state=\"PROVISIONING\"*} 5",
        "labflow_fleet_night_labs{*fleet=\"e2e-obs\"*outcome=\"failed\"*} 1.0",
        "labflow_fleet_night_labs{*fleet=\"e2e-obs\"*outcome=\"ok\"*} 1.0",
        "labflow_fleet_quarantined_labs{*fleet=\"e2e-obs\"*} 1.0",
        "labflow_fleet_night_seconds_count{*fleet=\"e2e-obs\"*} 1",
        // The paused lab's step: two attempts, both refused by IAM.
        "labflow_aws_calls_total{operation=\"AttachRolePolicy\",outcome=\"NoSuchEntity\",service=\"Iam\"} 2.0");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String scraped = scrape(port);
    try {
      // Two live labs at least: e2e-metrics and the fleet's e2e-fl-01; a throttled call is counted
      // once the SDK's own retries are over.
      while (!(hasAll(scraped, expected) && gauge(scraped, "labflow_labs{state=\"LIVE\"}") >= 2
          && count(scraped, "DetachRolePolicy", "Throttling") > 0) && System.nanoTime() < deadline) {
        Thread.sleep(500);
        scraped = scrape(port);
      }
    } finally {
      stack.moto().rates("");
    }
    Files.writeString(stack.logDir().resolve("worker-runtime.metrics"), scraped);
    String last = scraped;
    assertThat(expected).allSatisfy(e -> assertThat(has(last, e)).as(e + " in\n" + last).isTrue());
    assertThat(gauge(last, "labflow_labs{state=\"LIVE\"}")).isGreaterThanOrEqualTo(2.0);
    // The lab refused as it resolved ended FAILED too, having made nothing: not left.
    assertThat(last).doesNotContain("labflow_lab_left{lab=\"e2e-badinput\"");
    assertThat(count(last, "DetachRolePolicy", "Throttling")).isPositive();
    assertThat(stack.moto().throttled()).containsKey("iam.DetachRolePolicy");
    // The skipped night (the scrape saw the Schedule count it): fleet status says so too.
    Cli.Result counted = Cli.run(env, "fleet", "status", "e2e-night");
    assertThat(counted.out()).as(counted.all()).contains("Nights not started since the schedule"
        + " was created: 1 skipped (one still ran), 0 missed (not started within the catch-up window)");
    // The terminated lab's sweep, followed to its end, deletes what it left; its series goes below.
    // (A sweep that cannot finish: LeastPrivilegeE2eTest, as the shipped policy.)
    Cli.Result sweep = Cli.run(env, "leaks", "--sweep", "e2e-left", "--wait", "2m");
    assertThat(sweep.exitCode()).as(sweep.all()).isZero();
    assertThat(sweep.out()).contains("Sweep reset-e2e-left completed: lab e2e-left has nothing left"
        + " that carries its tag; no run of it was open (DELETED_BY_TAG; deleted by the lab's tag:"
        + " roles=[e2e-left-role], policies=[");
    assertThat(Cli.run(env, "status", "e2e-left").out()).contains("The run ended TERMINATED while"
        + " LIVE; reset-e2e-left deleted what it left (Sweep lab e2e-left (labflow leaks --sweep), ");
    // Every fleet, a line each: e2e-obs paused after its completed night; e2e-night active, its
    // night running with a failing task, the night asked for meanwhile skipped.
    Cli.Result fleets = Cli.run(env, "fleet", "list");
    assertThat(fleets.exitCode()).as(fleets.all()).isZero();
    assertThat(fleets.out().lines()).as(fleets.all())
        .anySatisfy(l -> assertThat(l).startsWith("e2e-obs ").contains(
            " paused (note: AWS incident) ", " - ", " 2 of iam-mini ",
            " COMPLETED: ok 1, failed 1, quarantined 0, skipped 0 (in quarantine now: 1)"))
        .anySatisfy(l -> assertThat(l).startsWith("e2e-night ").contains(" active ",
            " 1 of iam-mini ", " " + night + " ", " RUNNING, TASK FAILING ",
            " 1 skipped (one still ran), 0 missed (not started within the catch-up window)"));
    assertThat(fleets.out()).contains("TASK FAILING: the night's workflow task keeps failing, and"
        + " it resets nothing; labflow fleet status FLEET says why", "Paused: no night starts"
        + " until it is unpaused, and its labs are not reset meanwhile (LabflowFleetPaused fires"
        + " after a day). Unpause: labflow fleet unpause FLEET\n");
    Cli.Result pausedStatus = Cli.run(env, "fleet", "status", "e2e-obs");
    assertThat(pausedStatus.out()).as(pausedStatus.all()).contains("Fleet e2e-obs: schedule"
        + " fleet-e2e-obs, paused (note: AWS incident); next night -\n", "\n  Paused: no night starts until it"
        + " is unpaused, and its labs are not reset meanwhile (LabflowFleetPaused fires after a"
        + " day). Unpause: labflow fleet unpause e2e-obs; a night now: labflow fleet reset"
        + " e2e-obs\n");
    var fleetsJson = new ObjectMapper().readTree(Cli.run(env, "fleet", "list", "--json").out());
    assertThat(fleetsJson.findParents("fleet")).as(fleetsJson.toPrettyString())
        .anySatisfy(f -> assertThat(f.toString()).startsWith("{\"fleet\":\"e2e-night\",")
            .contains("\"paused\":false", "\"skipped\":1", "\"missed\":0", "\"labs\":1",
                "\"latestNight\":{\"workflowId\":\"" + night
                    + "\",\"status\":\"RUNNING\",\"taskFailing\":true}"))
        .anySatisfy(f -> assertThat(f.toString()).startsWith("{\"fleet\":\"e2e-obs\",")
            .contains("\"paused\":true", "\"note\":\"AWS incident\"", "\"next\":\"\"",
                "\"status\":\"COMPLETED\",\"taskFailing\":false,\"totals\":\"ok 1, failed 1, "));
    // Flagged in visibility (the scrape saw it): list says so.
    Cli.Result listed = Cli.run(env, "list", "--query", "WorkflowId='e2e-stuck'");
    assertThat(listed.out()).as(listed.all()).contains("e2e-stuck", "RUNNING, TASK FAILING",
        "TASK FAILING: the lab's workflow task keeps failing, and it does nothing");
    stack.client().newUntypedWorkflowStub("e2e-stuck").terminate("the test is over");
    stack.client().newUntypedWorkflowStub(night).terminate("the test is over");
    stack.client().newUntypedWorkflowStub(reset).terminate("the test is over");
    stack.client().newUntypedWorkflowStub("reset-e2e-new").terminate("the test is over");
    // The fleet's newest closed night is that one now, which left no report.
    String terminated = "labflow_fleet_last_night{fleet=\"e2e-night\",status=\"TERMINATED\"} 1.0";
    long told = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String swept = "labflow_lab_left{lab=\"e2e-left\"";
    while (!(has(scrape(port), terminated) && !scrape(port).contains(swept))
        && System.nanoTime() < told) {
      Thread.sleep(500);
    }
    assertThat(has(scrape(port), terminated)).as(terminated).isTrue();
    assertThat(scrape(port)).as("e2e-left swept").doesNotContain(swept);
    assertThat(Cli.run(env, "fleet", "delete", "e2e-night").exitCode()).isZero();
    stuckWorker.close();
    // Its worker's log: the SDK's failure with its trace, then the poller's report in one line,
    // naming the lab (a night is about many labs: none).
    String stuckLog = Files.readString(stuckWorker.log());
    assertThat(stuckLog).contains("NonDeterministicException: [TMPRL1100]");
    assertThat(stuckLog.lines().filter(l -> l.contains("Failure processing workflow task")))
        .isNotEmpty().allSatisfy(l -> assertThat(l).contains(", Attempt=",
            "(its cause is the line before, with its trace; Temporal retries the task"))
        .anySatisfy(l -> assertThat(l).contains("[lab=e2e-stuck ", "WorkflowId=e2e-stuck,"))
        .anySatisfy(l -> assertThat(l).contains("[lab=- ", "WorkflowId=" + night + ","))
        .anySatisfy(l -> assertThat(l).contains("[lab=" + labId + " ", "WorkflowId=" + reset + ","))
        .allSatisfy(l -> assertThat(l.contains("[lab=e2e-stuck ")).isEqualTo(
            l.contains("WorkflowId=e2e-stuck,")));
    // AWS answers again: the same undo goes on and the teardown ends.
    Cli.Result tornDown = undoing.get(2, TimeUnit.MINUTES);
    assertThat(tornDown.exitCode()).as(tornDown.all()).isZero();
    // Every metric the shipped alert rules read is one the worker serves.
    assertThat(metricsOf(Files.readString(Tools.repoRoot().resolve("definitions/monitoring/labflow-alerts.yml"))))
        .isNotEmpty().allSatisfy(name -> assertThat(last).contains(name));

    assertThat(Cli.run(env, "resume", "e2e-paused", "--rollback").exitCode()).isEqualTo(1);
    assertThat(Cli.run(env, "fleet", "delete", "e2e-obs").exitCode()).isZero();
    assertThat(Cli.run(env, "teardown", labId).exitCode()).isZero();
    // SIGTERM with a live lab (e2e-fl-01) in the worker's cache; the next worker tears it down.
    assertThat(worker.terminate(Duration.ofSeconds(40))).isNotEqualTo(-1);
    String log = Files.readString(worker.log());
    ManagedProcess next = stack.startWorker("worker-runtime-next", queue, -1)
        .awaitLog("polling", Duration.ofSeconds(60));
    assertThat(Cli.run(env, "teardown", "e2e-fl-01").exitCode()).isZero();
    next.close();
    // The drain in the step files' duration syntax (before: PT30S).
    assertThat(log).contains("Shutting down: draining in-flight tasks (up to 30s)",
        "labflow worker stopped");
    assertThat(log.lines().filter(l -> l.contains("created role " + labId)))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("[lab=" + labId + " wf=" + labId + " act="));
    assertGreppable(log);
  }

  /** The log an operator greps: the lab on every line about it, one line per refusal, no trace. */
  private static void assertGreppable(String log) {
    List<String> lines = log.lines().toList();
    assertThat(lines).as("stack trace lines").noneMatch(l -> l.matches("^\\s+(at |\\.\\.\\. \\d+ more).*")
        || l.startsWith("Caused by:"));
    for (String lab : LABS) {
      assertThat(lines.stream().filter(l -> l.contains(lab)))
          .as("lines naming " + lab).isNotEmpty()
          .allSatisfy(l -> assertThat(l).contains("[lab=" + lab + " "));
    }
    assertThat(lines).as("lines of a workflow").filteredOn(l -> !l.contains(" wf=- ") && !l.contains(" wf=fleet-") && l.contains(" wf="))
        .allSatisfy(l -> assertThat(l).doesNotContain("[lab=- "));
    assertThat(lines).as("state changes").anySatisfy(l -> assertThat(l)
        .contains("INFO", "[lab=e2e-metrics ", "lab e2e-metrics: PROVISIONING -> LIVE (every step done, variant read-only"));
    assertThat(log).contains("lab e2e-metrics: LIVE -> SWITCHING (switch to variant read-write requested)",
        "lab e2e-metrics: SWITCHING -> LIVE (switched to variant read-write)",
        "lab e2e-metrics: LIVE -> TEARING_DOWN (teardown requested)", "lab e2e-metrics: TEARING_DOWN -> TORN_DOWN",
        "lab e2e-paused: PROVISIONING -> PAUSED (step attach failed", "lab e2e-paused: ROLLING_BACK -> ROLLED_BACK",
        "lab e2e-fl-02: ROLLING_BACK -> ROLLED_BACK", "lab e2e-undoing: TEARING_DOWN -> TORN_DOWN",
        "fleet e2e-obs: night done in ");
    assertThat(lines).as("the NotOwned refusal, one line").anySatisfy(l -> assertThat(l)
        .contains("[lab=e2e-fl-02 ", "NotOwned: "));
    assertThat(lines).as("no WARN after SIGTERM")
        .filteredOn(l -> lines.indexOf(l) > indexOf(lines, "Shutting down")).noneMatch(l -> l.contains(" WARN "));
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return lines.size();
  }

  /** The labflow metric names an alert rules file reads. */
  static List<String> metricsOf(String rules) {
    return Pattern.compile("labflow_[a-z_]+").matcher(rules).results().map(m -> m.group())
        .distinct().toList();
  }

  static String scrape(int port) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** A series line: {@code *} stands for any other labels (or labels' tail), the value ends it. */
  private static boolean has(String metrics, String pattern) {
    String regex = "^" + Pattern.quote(pattern).replace("*", "\\E[^}]*\\Q") + "(\\.0)?$";
    return Pattern.compile(regex, Pattern.MULTILINE).matcher(metrics).find();
  }

  private static boolean hasAll(String metrics, List<String> patterns) {
    return patterns.stream().allMatch(p -> has(metrics, p));
  }

  private static double gauge(String metrics, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
        .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static double count(String metrics, String operation, String outcome) {
    Matcher m = Pattern.compile("^labflow_aws_calls_total\\{[^}]*operation=\"" + operation
        + "\",outcome=\"" + outcome + "\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }
}
