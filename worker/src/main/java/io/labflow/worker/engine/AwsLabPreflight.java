package io.labflow.worker.engine;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The step library's {@link AwsPreflight} as the engine's {@link Preflight}: reads from the resolved
 * lab which verification methods its {@code VerifyAccess} steps will use (and from which parameter)
 * and whether its {@code CreateRole} steps trust a principal.
 */
final class AwsLabPreflight implements Preflight {

  private static final Pattern PARAM = Pattern.compile("^\\$\\{params\\.([A-Za-z0-9_-]+)}$");

  private final AwsPreflight aws;

  AwsLabPreflight(AwsClients clients) {
    this.aws = new AwsPreflight(clients);
  }

  @Override
  public void check(String labId, ResolvedLab lab) {
    aws.check(labId, verifications(lab));
  }

  static List<AwsPreflight.Verification> verifications(ResolvedLab lab) {
    List<ActionStep> all = new ArrayList<>(Step.actions(lab.definition().steps()));
    all.addAll(Step.actions(lab.definition().onVariantChange()));
    Map<String, Object> params = lab.parameters() == null ? Map.of() : lab.parameters();
    boolean trusted = false;
    String trustedParameter = null;
    for (ActionStep s : all) {
      if ("CreateRole".equals(s.action())) {
        Object t = s.with().get("trustedPrincipalArn");
        String p = parameterOf(t);
        if (p != null) {
          trustedParameter = p;
        }
        Object value = p != null ? params.get(p) : t;
        trusted |= value instanceof String v && !v.isBlank();
      }
    }
    List<AwsPreflight.Verification> out = new ArrayList<>();
    for (ActionStep s : all) {
      if ("VerifyAccess".equals(s.action())) {
        Object m = s.with().get("method");
        String p = parameterOf(m);
        Object value = p != null ? params.get(p) : m;
        String method = value instanceof String v && !v.isBlank() ? v : "simulate";
        AwsPreflight.Verification v =
            new AwsPreflight.Verification(method, p, trusted, trustedParameter);
        if (!out.contains(v)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /** The parameter a whole-value {@code ${params.X}} template reads, or null. */
  private static String parameterOf(Object template) {
    if (template instanceof String s) {
      Matcher m = PARAM.matcher(s.trim());
      return m.matches() ? m.group(1) : null;
    }
    return null;
  }
}
