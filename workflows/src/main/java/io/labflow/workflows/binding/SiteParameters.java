package io.labflow.workflows.binding;

import io.labflow.workflows.model.Definition;
import io.labflow.workflows.yaml.Diagnostic;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Parameter values a worker's site supplies to every lab it runs, such as the verification method
 * an emulator supports or the principal the worker runs as.
 *
 * <p>Precedence, per parameter: the run's own value, then the site's, then the definition's
 * default. A site serves many definitions, so a site value that a definition does not declare is
 * ignored; a declared one is typed and checked exactly like a run parameter (it is bound together
 * with the run's values), and a problem with it names the site, by its {@code label} (such as
 * {@code LABFLOW_SITE_PARAMETERS}), as its source. Merging happens inside the resolve activity, so
 * the values a lab ran with are recorded in its history.
 */
public record SiteParameters(Map<String, Object> values, String label) {

  public static final SiteParameters NONE = new SiteParameters(Map.of(), "site");

  /**
   * The run's parameters with this site's values added for every parameter the definition declares
   * and the run leaves unset.
   */
  public Merged merge(Definition definition, Map<String, ?> run) {
    Map<String, Object> out = new LinkedHashMap<>(run == null ? Map.of() : run);
    Set<String> fromSite = new LinkedHashSet<>();
    values.forEach((name, value) -> {
      if (definition.parameters().containsKey(name) && out.get(name) == null && value != null) {
        out.put(name, value);
        fromSite.add(name);
      }
    });
    return new Merged(Collections.unmodifiableMap(out), Set.copyOf(fromSite), label);
  }

  /** The parameters to bind (run values, then site values) and which of them are the site's. */
  public record Merged(Map<String, Object> parameters, Set<String> fromSite, String label) {

    /** A binding problem of a site value, named as the site's rather than the request's. */
    public Diagnostic relabel(Diagnostic d) {
      return fromSite.contains(ParameterBinder.BindResult.parameterName(d))
          ? new Diagnostic(label, d.line(), d.column(), d.path(), d.message())
          : d;
    }
  }
}
