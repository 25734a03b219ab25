package io.labflow.worker.bench;

import io.labflow.worker.runtime.Composition;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.StepLibrary;
import io.labflow.activities.common.AwsClients;
import io.labflow.worker.runtime.AwsCalls;
import io.labflow.worker.runtime.LabflowMeters;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.Step;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.testing.TestActivityEnvironment;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's baseline: the same lab (provision, switch variant, tear down) as a plain Java
 * program calling the same activity code, and so the same AWS calls, in a straight line, with no
 * Temporal server, history or retries. One instance builds the AWS clients and the activity
 * environment once, so every {@link #run} after the first is warm.
 *
 * <p>Standalone usage: {@code Baseline FILE LAB_ID FROM_VARIANT TO_VARIANT [KEY=VALUE...]} with the
 * standard AWS environment; prints its wall time and AWS call count. {@link WarmBench} uses it
 * in-process.
 */
public final class Baseline implements AutoCloseable {

  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  private record Action(Object stub, Method method) {}

  /** One straight-line run: its wall time, AWS calls (every HTTP attempt) and activity calls. */
  public record Result(double seconds, long awsCalls, int activityCalls) {}

  private final Map<String, Action> actions = new HashMap<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AwsClients aws;
  private final TestActivityEnvironment env;

  public Baseline(Path definitionsDir) {
    int limit = Integer.parseInt(
        System.getenv().getOrDefault("LABFLOW_MAX_CONCURRENT_AWS_CALLS", "16"));
    this.aws = Composition.awsAccess(List.of(new AwsCalls(registry, limit))).clients();
    this.env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        StepLibrary.implementations(aws, definitionsDir).toArray());
    for (Class<?> iface : StepLibrary.activityInterfaces()) {
      Object stub = env.newActivityStub(iface, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(30)).build());
      for (Method m : iface.getMethods()) {
        ActivityMethod am = m.getAnnotation(ActivityMethod.class);
        actions.put(am != null && !am.name().isEmpty() ? am.name() : m.getName(), new Action(stub, m));
      }
    }
  }

  /** The definition in {@code file}, validated; exits with its diagnostics when it is invalid. */
  static Definition load(Path file) throws java.io.IOException {
    LoadResult v = Composition.validate(file.toString(), Files.readString(file));
    if (!v.ok()) {
      v.errors().forEach(System.err::println);
      System.exit(1);
    }
    return v.definitionOrNull();
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Definition def = load(file);
    Map<String, Object> overrides = new HashMap<>();
    for (int i = 4; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      overrides.put(kv[0], kv[1]);
    }
    try (Baseline b = new Baseline(file.toAbsolutePath().getParent())) {
      Result r = b.run(def, args[1], args[2], args[3], overrides);
      System.out.printf("baseline_wall_seconds %.2f%n", r.seconds());
      System.out.printf("baseline_aws_calls %d%n", r.awsCalls());
    }
    // The in-process activity environment keeps non-daemon threads alive.
    System.exit(0);
  }

  /** Provisions the lab, switches it from one variant to the other, tears it down, newest first. */
  public Result run(Definition def, String labId, String from, String to, Map<String, Object> overrides)
      throws Exception {
    double callsBefore = calls();
    long start = System.nanoTime();
    Lab lab = new Lab();
    Map<String, Object> params = new LinkedHashMap<>();
    if (def.parameters() != null) {
      def.parameters().forEach((k, p) -> params.put(k, p.defaultValue()));
    }
    params.putAll(overrides);
    lab.scope.put("params", params);
    lab.scope.put("steps", lab.steps);
    lab.variant(def, labId, from);
    for (Step s : def.steps()) {
      lab.step(s);
    }
    lab.variant(def, labId, to);
    for (Step s : def.onVariantChange() == null ? List.<Step>of() : def.onVariantChange()) {
      lab.step(s);
    }
    for (int i = lab.done.size() - 1; i >= 0; i--) {
      Compensation c = lab.done.get(i).compensate();
      if (c != null) {
        lab.call(c.action(), c.with());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(seconds, Math.round(calls() - callsBefore), lab.calls);
  }

  private double calls() {
    return registry.find(LabflowMeters.AWS_CALLS).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Override
  public void close() throws Exception {
    env.close();
    aws.close();
  }

  /** The state of one run: step outputs and the expression scope. */
  private final class Lab {
    private final Map<String, Object> steps = new LinkedHashMap<>();
    private final Map<String, Object> scope = new HashMap<>();
    private final List<ActionStep> done = new ArrayList<>();
    private int calls;

    private void variant(Definition def, String labId, String name) {
      scope.put("variant", def.variants() == null ? Map.of() : def.variants().getOrDefault(name, Map.of()));
      scope.put("lab", Map.of("labId", labId, "runId", "baseline", "definition", def.name(), "variant", name));
    }

    private void step(Step step) throws Exception {
      for (ActionStep s : Step.actions(List.of(step))) {
        steps.put(s.id(), call(s.action(), s.with()));
        done.add(s);
      }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String action, Map<String, Object> with) throws Exception {
      Action a = actions.get(action);
      Object input = JSON.convertValue(Expressions.evaluate(with, scope), a.method().getParameterTypes()[0]);
      calls++;
      Object out = a.method().invoke(a.stub(), input);
      return out == null ? Map.of() : JSON.convertValue(out, Map.class);
    }
  }
}
