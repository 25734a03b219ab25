package io.labflow.worker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.StepLibrary;
import io.labflow.worker.engine.Engine;
import io.labflow.worker.runtime.AwsCallCounter;
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
 * Temporal server, history or retries. Prints its wall time and AWS call count.
 *
 * <p>Usage: {@code Baseline FILE LAB_ID FROM_VARIANT TO_VARIANT [KEY=VALUE...]} with the standard
 * AWS environment. On an emulator ({@code AWS_ENDPOINT_URL} set) it first releases the stack's
 * route tables before DeleteStack, as the demo does (a moto gap), with clients that are not
 * counted.
 */
public final class Baseline {

  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  private record Action(Object stub, Method method) {}

  private final Map<String, Action> actions = new HashMap<>();
  private final Map<String, Object> steps = new LinkedHashMap<>();
  private final Map<String, Object> scope = new HashMap<>();
  private final List<ActionStep> done = new ArrayList<>();
  private final Map<String, Object> overrides = new HashMap<>();

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String labId = args[1];
    Engine.Validation v = Engine.validate(file.toString(), Files.readString(file));
    if (!v.valid()) {
      v.diagnostics().forEach(System.err::println);
      System.exit(1);
    }
    Definition def = v.definition().orElseThrow();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AwsClients aws = Engine.awsClients(List.of(new AwsCallCounter(registry)))) {
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      env.registerActivitiesImplementations(
          Engine.stepActivities(aws, file.toAbsolutePath().getParent()).toArray());
      Baseline b = new Baseline();
      for (Class<?> iface : StepLibrary.activityInterfaces()) {
        Object stub = env.newActivityStub(iface, ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(30)).build());
        for (Method m : iface.getMethods()) {
          ActivityMethod am = m.getAnnotation(ActivityMethod.class);
          b.actions.put(am != null && !am.name().isEmpty() ? am.name() : m.getName(), new Action(stub, m));
        }
      }
      long start = System.nanoTime();
      for (int i = 4; i < args.length; i++) {
        String[] kv = args[i].split("=", 2);
        b.overrides.put(kv[0], kv[1]);
      }
      b.run(def, labId, args[2], args[3]);
      double seconds = (System.nanoTime() - start) / 1e9;
      double calls = registry.find(AwsCallCounter.METRIC).counters().stream()
          .mapToDouble(c -> c.count()).sum();
      System.out.printf("baseline_wall_seconds %.2f%n", seconds);
      System.out.printf("baseline_aws_calls %d%n", Math.round(calls));
      env.close();
    }
    // The in-process activity environment keeps non-daemon threads alive.
    System.exit(0);
  }

  private void run(Definition def, String labId, String from, String to) throws Exception {
    Map<String, Object> params = new LinkedHashMap<>();
    if (def.parameters() != null) {
      def.parameters().forEach((k, p) -> params.put(k, p.defaultValue()));
    }
    params.putAll(overrides);
    scope.put("params", params);
    scope.put("steps", steps);
    variant(def, labId, from);
    for (Step s : def.steps()) {
      step(s);
    }
    variant(def, labId, to);
    for (Step s : def.onVariantChange() == null ? List.<Step>of() : def.onVariantChange()) {
      step(s);
    }
    for (int i = done.size() - 1; i >= 0; i--) {
      Compensation c = done.get(i).compensate();
      if (c != null) {
        call(c.action(), c.with());
      }
    }
  }

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
    Object out = a.method().invoke(a.stub(), input);
    return out == null ? Map.of() : JSON.convertValue(out, Map.class);
  }
}
